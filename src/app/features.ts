// Every feature module that registers job handlers or world seeders is imported here once, so the
// leader tab can run any job a world holds, whichever page it shows.
import './notices.ts';
import './ledger.ts';
import './ledger-seed.ts';
import './identity/seed.ts';
import './identity/banking-login.ts';
import './banking/seed.ts';
import './banking/clearing.ts';
import './market/index.ts';
import './payments/index.ts';
import './ecash/index.ts';
import { registerChannelJobs } from './payments/channels.ts';

// The payment channels register nothing when imported; their jobs are registered here, from the one
// channel registry.
registerChannelJobs();
