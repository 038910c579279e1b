import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';
import '../setup-node.ts';

// Component tests render in English so assertions read the English catalog.
localStorage.setItem('settlelab.locale', 'en');
afterEach(() => cleanup());
