// The payment gateway's app layer (issue 6 items 2-8): the modules that register job handlers
// (the acquirer's T+1 batch, the card company's statements), imported once from src/app/features.ts.
// The channels themselves are listed in the registry (channels.ts); their jobs are registered by
// features.ts through registerChannelJobs.
import './acquiring.ts';
import './cards.ts';
