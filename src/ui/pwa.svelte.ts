import { Workbox } from 'workbox-window';

// The service worker precaches the whole app (vite-plugin-pwa). When a new version is deployed the
// new worker waits; the page says "update available" and, when the user accepts, tells it to take
// over and reloads once it controls the page.

class PwaState {
  updateReady = $state(false);
  offlineReady = $state(false);
  private wb: Workbox | undefined;

  register(): void {
    if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    this.wb = new Workbox('./sw.js', { scope: './' });
    this.wb.addEventListener('waiting', () => {
      this.updateReady = true;
    });
    this.wb.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.offlineReady = true;
    });
    this.wb.addEventListener('controlling', (event) => {
      if (event.isUpdate) location.reload();
    });
    void this.wb.register();
  }

  accept(): void {
    this.wb?.messageSkipWaiting();
  }
}

export const pwa = new PwaState();
