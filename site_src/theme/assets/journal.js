// Material's search overlay is a dialog without a name; screen readers announce it as
// "Search" with this label.
document.querySelectorAll(".md-search[role=dialog]").forEach((dialog) => {
  dialog.setAttribute("aria-label", "Search");
});

// Code that scrolls sideways must be reachable by keyboard.
document.querySelectorAll(".highlight-ipynb, .jp-OutputArea-output pre").forEach((block) => {
  if (block.scrollWidth > block.clientWidth || block.tagName === "DIV") block.setAttribute("tabindex", "0");
});
