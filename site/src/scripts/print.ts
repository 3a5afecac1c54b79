// The receipt's 打印回执 button (hidden without JavaScript; the browser's own print works too).
for (const row of document.querySelectorAll<HTMLElement>('[data-print-row]')) {
  row.hidden = false;
  row.querySelector('button[data-print]')?.addEventListener('click', () => window.print());
}
