// Keyboard shortcuts that move focus, handled in the browser so they act at once: a round trip to the server first
// would let the next keys land in the previous field. An element marked data-alt-key="P" (or a field inside it) takes
// the focus on Alt+P. data-alt-click="J" clicks the element (a switch that opens a field) when the field named by
// data-alt-focus is hidden (inside .d-none) or absent, shows it at once and focuses it: keys typed right after the
// shortcut go into that field even while the server's answer to the click is still on its way.
document.addEventListener('keydown', event => {
    if (!event.altKey || event.ctrlKey || event.metaKey || !event.code.startsWith('Key')) return;
    const key = event.code.substring(3);
    const clicker = document.querySelector(`[data-alt-click="${key}"]`);
    if (clicker) {
        event.preventDefault();
        const target = clicker.getAttribute('data-alt-focus');
        const present = document.getElementById(target);
        const hidden = present?.closest('.d-none');
        if (!present || hidden) {
            hidden?.classList.remove('d-none'); // the server's render after the click removes it too
            clicker.click();
        }
        const started = Date.now();
        const tryFocus = () => {
            const field = document.getElementById(target);
            if (field) field.focus();
            else if (Date.now() - started < 3000) setTimeout(tryFocus, 25);
        };
        tryFocus();
        return;
    }
    const marked = document.querySelector(`[data-alt-key="${key}"]`);
    if (!marked) return;
    event.preventDefault();
    const field = marked.matches('input, textarea') ? marked : marked.querySelector('input, textarea');
    (field ?? marked).focus();
});
