/** GET /admin/federation: the rule between networks.yaml and the console, and the export. */
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { defineMessages } from '../web/i18n.ts';
import { adminContext, adminHref } from './context.ts';
import { AdminLayout } from './layout.tsx';
import { FederationWarnings } from './networks-page.tsx';
import { federationWarning } from './networks-routes.tsx';

const t = defineMessages({
  fr: {
    title: 'Fichier de la fédération',
    rule1:
      'La fédération a deux vues : le fichier ' +
      'networks.yaml (gardé dans git par les coordinateurs) ' +
      'et cette console. Les modifications faites ici vivent dans la base de données.',
    rule2:
      'Le fichier est relu au démarrage du hub et par ' +
      '« intercoop networks sync », mais seulement ' +
      's’il a changé depuis sa dernière lecture. S’il a changé, c’est lui qui l’emporte : ' +
      'il remplace les modifications faites dans la console.',
    rule3:
      'Pour garder les modifications de la console, ' +
      'téléchargez l’export et mettez-le à la place de ' +
      'networks.yaml (même format ; aussi « intercoop networks export » et ' +
      'GET /api/admin/networks?format=yaml).',
    upToDate: 'Aucune modification faite dans la console depuis la dernière lecture du fichier.',
    download: 'Télécharger networks.yaml (export)',
  },
  en: {
    title: 'Federation file',
    rule1:
      'The federation has two views: the networks.yaml ' +
      'file (kept in git by the coordinators) and ' +
      'this console. Edits made here live in the database.',
    rule2:
      'The file is read again when the hub starts and ' +
      'by “intercoop networks sync”, but only if it ' +
      'changed since it was last read. If it changed, the file wins: it replaces the edits made ' +
      'in the console.',
    rule3:
      'To keep the console’s edits, download the export ' +
      'and put it in place of networks.yaml (same ' +
      'format; also “intercoop networks export” and GET /api/admin/networks?format=yaml).',
    upToDate: 'No edit made in the console since the file was last read.',
    download: 'Download networks.yaml (export)',
  },
});

export const federationRoutes = new Hono<HubEnv>().get('/admin/federation', async (c) => {
  const x = await adminContext(c);
  const m = t(x.lang);
  const w = await federationWarning(c);
  return c.html(
    <AdminLayout x={x} title={m.title}>
      <h1>{m.title}</h1>
      <p>{m.rule1}</p>
      <p>{m.rule2}</p>
      <p>{m.rule3}</p>
      {w.consoleEditedAt ? <FederationWarnings x={x} w={w} /> : <p class="muted">{m.upToDate}</p>}
      <p>
        <a href={adminHref(x, '/admin/federation.yaml')} download="networks.yaml">
          {m.download}
        </a>
      </p>
    </AdminLayout>,
  );
});
