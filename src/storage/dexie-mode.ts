import Dexie from 'dexie';

// Dexie turns on its debug mode by itself when the page's address is localhost or 127.0.0.1 (as
// with `npm start`, and in classrooms that serve the build from a laptop): every table operation
// then creates a console task for async stack traces. Production builds never want that; it cost
// about a tenth of a one-transfer transaction in bench/. Development and tests keep Dexie's default.
if (import.meta.env.PROD) Dexie.debug = false;
