import type { MailMessage } from '../../deps.ts';
import { escapeXml } from '../../shared/escape-xml.ts';

/**
 * The confirmation email. Its text is fixed: nothing the requester typed appears in it
 * (the address is only the recipient), so the form cannot be used to mail chosen words.
 */
export function confirmationEmail(p: {
  to: string;
  lang: 'fr' | 'en';
  hubTitle: string;
  link: string;
}): MailMessage {
  const fr = p.lang === 'fr';
  const subject = fr
    ? `Confirmez votre inscription à la lettre ${p.hubTitle}`
    : `Confirm your subscription to the ${p.hubTitle} newsletter`;
  const lines = fr
    ? [
        'Bonjour,',
        '',
        `Pour recevoir la lettre d’information ${p.hubTitle}, confirmez votre inscription en ` +
          'ouvrant ce lien (valable 48 heures) :',
        p.link,
        '',
        'Si vous n’avez rien demandé, ignorez ce message : rien ne vous sera envoyé.',
      ]
    : [
        'Hello,',
        '',
        `To receive the ${p.hubTitle} newsletter, confirm your subscription by opening this ` +
          'link (valid for 48 hours):',
        p.link,
        '',
        'If you did not ask for it, ignore this message: nothing will be sent to you.',
      ];
  const head =
    `<!doctype html><html lang="${p.lang}"><head><meta charset="utf-8">` +
    '<meta name="color-scheme" content="light dark"></head>' +
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">';
  const html = `${head}${lines
    .map((l) =>
      l === p.link
        ? `<p><a href="${escapeXml(l)}">${escapeXml(l)}</a></p>`
        : l
          ? `<p>${escapeXml(l)}</p>`
          : '',
    )
    .join('')}</body></html>`;
  return {
    to: p.to,
    subject,
    text: lines.join('\n') + '\n',
    html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
