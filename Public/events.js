// Live status: subscribes to /events; the browser reconnects by itself and sends Last-Event-ID.
(function () {
  var live = document.getElementById("live");
  var beat = document.getElementById("heartbeat");
  if (!window.EventSource || !live) return;
  var source = new EventSource("/events");
  source.onopen = function () { live.textContent = "live"; live.className = "live on"; };
  source.onerror = function () { live.textContent = "reconnecting…"; live.className = "live"; };
  source.addEventListener("heartbeat", function (e) { if (beat) beat.textContent = e.data; });
  source.addEventListener("shutdown", function () { live.textContent = "server stopped"; live.className = "live"; });
})();
