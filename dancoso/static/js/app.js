/* dancoso: the only first-party script. The page works without it; it only adds the CSRF header to htmx
   requests (the token comes from <body data-csrf-token>, because the strict CSP forbids inline scripts). */
(function () {
  "use strict";

  function csrfToken() {
    return document.body ? document.body.getAttribute("data-csrf-token") || "" : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
})();
