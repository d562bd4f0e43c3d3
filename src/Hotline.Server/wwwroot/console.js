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

// Print buttons (a Content-Security-Policy without inline scripts: no onclick attributes).
document.addEventListener('click', event => {
    if (event.target.closest?.('[data-print]')) window.print();
});

// 新工单提醒: the server calls hotline.newWork when new tickets reach the person's desk (and they have not turned the
// alerts off). A short two-note chime always; a system notification only while the tab is in the background, since
// the desk itself shows the new row. The notification names ticket numbers only, never a requester.
window.hotline = window.hotline || {};
window.hotline.alerts = [];
window.hotline.newWork = (title, body, url) => {
    const background = document.visibilityState === 'hidden';
    const alert = { title, body, url, background, chimed: false, notified: false };
    window.hotline.alerts.push(alert);
    try {
        const AudioContext = window.AudioContext || window.webkitAudioContext;
        if (AudioContext) {
            const audio = window.hotline.audio ??= new AudioContext();
            if (audio.state === 'suspended') audio.resume();
            const now = audio.currentTime;
            [[880, 0], [1175, 0.16]].forEach(([frequency, at]) => {
                const tone = audio.createOscillator();
                const gain = audio.createGain();
                tone.frequency.value = frequency;
                gain.gain.setValueAtTime(0.0001, now + at);
                gain.gain.exponentialRampToValueAtTime(0.2, now + at + 0.02);
                gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.15);
                tone.connect(gain).connect(audio.destination);
                tone.start(now + at);
                tone.stop(now + at + 0.16);
            });
            alert.chimed = true;
        }
    } catch { /* no sound where audio is not allowed */ }
    if (background && 'Notification' in window && Notification.permission === 'granted') {
        const n = new Notification(title, { body, tag: 'hotline-new-work', renotify: true });
        n.onclick = () => { window.focus(); if (url) window.location.assign(url); n.close(); };
        alert.notified = true;
    }
    return alert.notified;
};
// Asked when the person turns alerts on (a click, as browsers require).
window.hotline.enableNotifications = async () => {
    if (!('Notification' in window)) return 'unsupported';
    if (Notification.permission === 'default') return await Notification.requestPermission();
    return Notification.permission;
};
