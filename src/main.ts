import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';
import { pwa } from './ui/pwa.svelte.ts';
// Feature modules register their job handlers and world seeders on import.
import './app/features.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
pwa.register();
