// The reading's progress bar: polls the document's status every two seconds and reloads the page
// when reading ends. Without JavaScript the page refreshes itself (a meta refresh in <noscript>).
const panel = document.getElementById("reading");
if (panel) {
  const bar = document.getElementById("reading-progress");
  const words = document.getElementById("reading-status");
  const poll = async () => {
    try {
      const reply = await fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (reply.ok) {
        const status = await reply.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        bar.value = status.percent;
        bar.textContent = `${status.percent}%`;
        if (words.textContent !== status.progress_text) words.textContent = status.progress_text;
      }
    } catch (error) {
      // A dropped connection: try again at the next tick; the Refresh link is always there.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
}
