/* Stands in for telegram.org/js/telegram-web-app.js in the browser tests (they reach nothing
   outside this machine). Like the real script it reads the launch parameters Telegram puts in
   the URL's fragment (tgWebAppData, tgWebAppThemeParams) and offers Telegram.WebApp with the
   parts the page uses; BackButton and MainButton remember their state so a test can see and
   press them as a person would press Telegram's own. */
(function () {
  var launch = new URLSearchParams(location.hash.slice(1));
  var theme = JSON.parse(launch.get("tgWebAppThemeParams") || "{}");
  function bottomButton() {
    var handlers = [];
    return {
      isVisible: false, text: "",
      show: function () { this.isVisible = true; return this; },
      hide: function () { this.isVisible = false; return this; },
      setText: function (text) { this.text = text; return this; },
      onClick: function (fn) { handlers.push(fn); return this; },
      offClick: function (fn) { handlers = handlers.filter(function (h) { return h !== fn; }); return this; },
      press: function () { handlers.forEach(function (fn) { fn(); }); }
    };
  }
  var bg = (theme.bg_color || "#ffffff").replace("#", "");
  var light = parseInt(bg.slice(0, 2), 16) * 0.299 + parseInt(bg.slice(2, 4), 16) * 0.587 + parseInt(bg.slice(4, 6), 16) * 0.114 > 128;
  window.Telegram = {
    WebApp: {
      initData: launch.get("tgWebAppData") || "",
      platform: "tdesktop",
      version: "8.0",
      themeParams: theme,
      colorScheme: light ? "light" : "dark",
      viewportHeight: window.innerHeight,
      viewportStableHeight: window.innerHeight,
      isReady: false,
      ready: function () { this.isReady = true; },
      expand: function () {},
      close: function () {},
      onEvent: function () {},
      BackButton: bottomButton(),
      MainButton: bottomButton()
    }
  };
})();
