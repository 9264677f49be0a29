// Small browser helpers the portal calls through JS interop.
window.portal = {
    getDarkMode: () => localStorage.getItem("portal-dark-mode"),
    setDarkMode: (value) => localStorage.setItem("portal-dark-mode", value ? "1" : "0"),
    copyText: (text) => navigator.clipboard.writeText(text),
};
