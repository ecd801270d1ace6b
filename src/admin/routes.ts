/** The coordinators' console (/admin/*): one gate (session + CSRF), then each section's routes. */
import { Hono } from 'hono';
import type { HubEnv } from '../http.ts';
import { adminGuard } from './guard.ts';
import { loginRoutes } from './login-routes.tsx';
import { networksRoutes } from './networks-routes.tsx';
import { pullRoutes } from './pull-routes.tsx';
import { federationRoutes } from './federation-page.tsx';
import { proposalsRoutes } from './proposals-routes.tsx';
import { mergesRoutes } from './merges-routes.tsx';
import { newsletterConsoleRoutes } from './newsletter-routes.tsx';

export const consoleRoutes = new Hono<HubEnv>();

consoleRoutes.use('/admin/*', adminGuard);
consoleRoutes.route('/', loginRoutes);
consoleRoutes.route('/', networksRoutes);
consoleRoutes.route('/', pullRoutes);
consoleRoutes.route('/', federationRoutes);
consoleRoutes.route('/', proposalsRoutes);
consoleRoutes.route('/', mergesRoutes);
consoleRoutes.route('/', newsletterConsoleRoutes);
