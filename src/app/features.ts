// Every feature module that registers job handlers or world seeders is imported here once, so the
// leader tab can run any job a world holds, whichever page it shows.
import './notices.ts';
import './ledger.ts';
import './ledger-seed.ts';
