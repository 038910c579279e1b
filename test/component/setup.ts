import { cleanup, configure } from '@testing-library/svelte';
import { afterEach } from 'vitest';
import '../setup-node.ts';

// Component tests render in English so assertions read the English catalog.
localStorage.setItem('settlelab.locale', 'en');
afterEach(() => cleanup());
// waitFor/findBy wait on fake-indexeddb and Dexie's live queries, whose first run is in a
// setTimeout: on a loaded 2-core machine (CI runs two test workers) that took over the library's
// default 1 s once (lab-panel.test.ts). A passing test never waits this long; a failing one fails.
configure({ asyncUtilTimeout: 5_000 });
