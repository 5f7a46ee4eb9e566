// Starts the overview's first API requests while the page's script is still loading and compiling: a small classic
// script at the top of index.html, so the answers are on their way ~100 ms earlier. app.js takes them (api.js).
// Only GETs without a body, the same request api.js would make; a request nobody takes is simply dropped.
(() => {
  const hash = window.location.hash;
  if (hash !== '' && hash !== '#' && hash !== '#/') return;
  /** @type {Map<string, Promise<Response>>} */
  const early = new Map();
  for (const path of ['/api/stations', '/api/attention']) {
    const controller = new window.AbortController();
    // The same limit as api.js: a hung server ends in its "no connection" banner, not in a request that never ends.
    const timer = setTimeout(() => controller.abort(), 5000);
    const answer = fetch(path, {
      headers: { accept: 'application/json' },
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'same-origin',
    });
    answer.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
    early.set(path, answer);
  }
  /** @type {Window & { rikschaEarly?: Map<string, Promise<Response>> }} */ (window).rikschaEarly = early;
})();
