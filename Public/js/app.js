// Small helpers only; every page works without them except the row expansion.
document.addEventListener("DOMContentLoaded", () => {
  // Search rows open and close in place.
  const toggle = (summary, open) => {
    const details = document.getElementById(summary.getAttribute("aria-controls"));
    if (!details) return;
    const expand = open === undefined ? details.hidden : open;
    details.hidden = !expand;
    summary.setAttribute("aria-expanded", String(expand));
  };
  document.querySelectorAll("tr.summary").forEach((row) => {
    row.addEventListener("click", (event) => {
      if (event.target.closest("select, button, a, input")) return;
      toggle(row);
    });
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(row); }
    });
  });
  // "[Details]" opens every line of its document.
  document.querySelectorAll("button.details-all").forEach((button) => {
    button.addEventListener("click", () => {
      const rows = button.closest("section").querySelectorAll("tr.summary");
      const anyClosed = Array.from(rows).some((row) => row.getAttribute("aria-expanded") !== "true");
      rows.forEach((row) => toggle(row, anyClosed));
    });
  });
  // The free date range shows its two date pickers only when chosen.
  const period = document.getElementById("period");
  const range = document.getElementById("range");
  if (period && range) {
    period.addEventListener("change", () => { range.hidden = period.value !== "custom"; });
  }
});
