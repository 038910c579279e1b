// E-cash, the e-wallet, Mondex smart cards and stored-value cards (issue 8): the modules that
// register world seeders or job handlers, imported once from src/app/features.ts.
import './bank.ts';
import '../storedvalue/storedvalue.ts';
