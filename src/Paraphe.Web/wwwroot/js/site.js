// Small helpers for the agent pages. Everything works without JavaScript except these conveniences.
document.addEventListener("click", (event) => {
    // "Utiliser la suggestion": copies a suggested value into its field; the agent then saves again.
    const fill = event.target.closest("[data-fill-target]");
    if (fill) {
        const input = document.getElementById(fill.dataset.fillTarget);
        if (input) { input.value = fill.dataset.fillValue; input.focus(); input.classList.remove("invalid"); }
    }
});
