// Short messages at the corner of the screen: results of actions and live notices from other tabs.

/**
 * A toast's words are made when it is shown, not when it is made: `text` reads the catalogs (and
 * the language) each time, so a toast still on screen follows a change of language like the rest of
 * the page instead of staying in the language it was made in. So `text` must read only values
 * fixed when it was made (copy a form field into a const first): a field cleared after the action
 * would otherwise be read back empty (an e-cash payment's toast once threw on `money('')`).
 */
export type Toast = { id: number; text: () => string; tone: 'info' | 'error' };
/** Older toasts drop off beyond this many, so a burst of notices cannot fill the screen. */
export const toastsMax = 5;
const toastMs = 6000;

class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;

  show(text: () => string, tone: Toast['tone'] = 'info'): void {
    const toast = { id: this.next++, text, tone };
    this.items = [...this.items, toast].slice(-toastsMax);
    setTimeout(() => this.dismiss(toast.id), toastMs);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
