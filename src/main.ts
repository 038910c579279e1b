import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';
import { pwa } from './ui/pwa.svelte.ts';
// Feature modules (job handlers, world seeders) load with the world shell (WorldView) or the
// start page's create/reset/repair (lazy-actions.ts), not before the start page shows.

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
pwa.register();
