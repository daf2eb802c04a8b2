/* Public petition pages. Everything works without this script; it only adds conveniences:
   - moves focus to the list of errors after a refused submission;
   - a "use my location" button that fills in the latitude and longitude (navigator.geolocation);
   - ticks "keep my identity confidential" when the petition is a denunciation (the server does it anyway). */
(function () {
  "use strict";

  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function round6(value) {
    return (Math.round(value * 1e6) / 1e6).toFixed(6);
  }

  function addLocateButton(box) {
    if (!("geolocation" in navigator)) {
      return;
    }
    var latitude = box.querySelector("input[name=latitude]");
    var longitude = box.querySelector("input[name=longitude]");
    var status = box.querySelector(".geolocate-status");
    if (!latitude || !longitude) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.textContent = box.getAttribute("data-label");
    box.insertBefore(button, box.firstChild);

    function say(text) {
      if (status) {
        status.textContent = text || "";
      }
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      say(box.getAttribute("data-busy"));
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = round6(position.coords.latitude);
          longitude.value = round6(position.coords.longitude);
          button.disabled = false;
          say(box.getAttribute("data-done"));
        },
        function () {
          button.disabled = false;
          say(box.getAttribute("data-error"));
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  function followKind(form) {
    var confidential = form.querySelector("input[name=keep_confidential]");
    if (!confidential) {
      return;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind" && event.target.value === "denunciation") {
        confidential.checked = true;
      }
    });
  }

  function start() {
    focusErrors();
    Array.prototype.forEach.call(document.querySelectorAll("[data-geolocate]"), addLocateButton);
    Array.prototype.forEach.call(document.querySelectorAll("form.petition-form"), followKind);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
