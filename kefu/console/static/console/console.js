// Kefu console: keyboard moves through search results (↓ ↑ Enter). No inline scripts (CSP).
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...document.querySelectorAll("[data-keynav] a")];
  if (!links.length) return;
  const at = links.indexOf(document.activeElement);
  const next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
  if (next < 0) { document.getElementById("q")?.focus(); } else { links[next].focus(); }
  event.preventDefault();
});
