// The payment gateway's app layer (issue 6 items 2-8). Importing this module registers every
// channel adapter and connects the gateway to the marketplace's checkout.
import './channel-escrow.ts';
import './channel-online-banking.ts';
import './checkout.ts';
import './channel-debit-card.ts';
import './acquiring.ts';
import './channel-cards.ts';
import './cards.ts';
import './channel-remittance.ts';
import './channel-cod.ts';
