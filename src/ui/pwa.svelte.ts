import { Workbox } from 'workbox-window';

// The service worker precaches the whole app (vite-plugin-pwa). When a new version is deployed the
// new worker waits; the page says "update available" and, when the user accepts, tells it to take
// over and reloads once it controls the page.

class PwaState {
  updateReady = $state(false);
  offlineReady = $state(false);
  private wb: Workbox | undefined;
  private accepted = false;

  register(): void {
    if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    this.wb = new Workbox('./sw.js', { scope: './' });
    this.wb.addEventListener('waiting', () => {
      this.updateReady = true;
    });
    this.wb.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.offlineReady = true;
    });
    // Reload once the accepted version controls the page (whether or not this was the first visit).
    this.wb.addEventListener('controlling', () => {
      if (this.accepted) location.reload();
    });
    void this.wb.register();
  }

  accept(): void {
    this.accepted = true;
    this.wb?.messageSkipWaiting();
  }
}

export const pwa = new PwaState();
