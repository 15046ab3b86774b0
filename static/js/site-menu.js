/*
 * The site menu (a details/summary disclosure): open on wide screens, closed on
 * phones until its Menu button is pressed, and Escape closes it. The stylesheet
 * already shows the list on wide screens where browsers let it; this covers the
 * others, and closes the menu when a phone turns back to portrait.
 */
(function () {
  "use strict";

  var menu = document.getElementById("site-menu");
  if (!menu || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 48rem)");

  function fit() {
    menu.open = wide.matches;
  }
  fit();
  wide.addEventListener("change", fit);

  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
