// While a billing run is being worked out or posted, reload its page every few seconds to show
// the progress. Without JavaScript the page has a Refresh link instead.
const panel = document.querySelector('[data-refresh]')
if (panel) {
  const seconds = Number(panel.getAttribute('data-refresh')) || 3
  window.setTimeout(() => window.location.reload(), seconds * 1000)
}
