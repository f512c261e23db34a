/* Labels in Vietnamese (default) and English; the choice is remembered in localStorage. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const LABELS = {
    vi: {
      title: "Liên thông DVC — sandbox", change_token: "Đổi token", map_title: "Sơ đồ liên thông",
      journal: "Nhật ký yêu cầu mới nhất", col_time: "Giờ", col_system: "Hệ thống", col_operation: "Thao tác",
      col_client: "Bên gọi", col_status: "Mã", col_fault: "Lỗi giả lập", col_latency: "ms",
      controls: "Điều khiển", scenario: "Kịch bản", apply: "Áp dụng", stop: "Dừng", start: "Bắt đầu",
      set: "Đặt", reset: "Đặt lại sandbox", mode_down: "ngừng (503)", mode_slow: "chậm", minutes: "phút",
      arrivals: "Nộp trực tuyến", per_min: "/phút", time_scale: "Tốc độ đồng hồ",
      flows: "Hồ sơ nộp trực tuyến", by_status: "Hồ sơ theo trạng thái, theo tỉnh",
      satisfaction: "Chỉ số hài lòng (điểm /18)",
      token_title: "Nhập admin token",
      token_help: "Token được in khi chạy make run (SANDBOX_ADMIN_TOKEN). Chỉ lưu trong tab này.",
      enter: "Vào", token_rejected: "Token không đúng, hãy nhập lại.",
      healthy: "bình thường", slow: "chậm", failing: "lỗi",
      provinces: "34 tỉnh, thành phố", sync: "đồng bộ", push: "chuyển", calls: "tra cứu",
      payment_link: "thanh toán",
      no_scenario: "Không chạy kịch bản", phase: "giai đoạn", left: "còn", total_left: "tổng còn", finished: "đã kết thúc",
      submitted: "Đã nộp", synced_back: "Đã đồng bộ", waiting: "Đang chờ", lost: "Bị mất", overdue: "Quá hạn",
      no_dossiers: "Chưa có hồ sơ", no_ratings: "Chưa có đánh giá", ratings: "đánh giá",
      updated: "cập nhật", stale: "mất kết nối", none_selected: "(chọn)",
      lift: "gỡ", expires: "hết hạn sau", confirm_reset: "Xoá toàn bộ hồ sơ, luật lỗi, kịch bản và nhật ký?",
      done: "Xong", rule_set: "Đã đặt luật lỗi", rps: "/s", errors: "lỗi",
    },
    en: {
      title: "Public-service interconnection — sandbox", change_token: "Change token",
      map_title: "Interconnection map", journal: "Latest journal entries", col_time: "Time",
      col_system: "System", col_operation: "Operation", col_client: "Caller", col_status: "Status",
      col_fault: "Injected fault", col_latency: "ms", controls: "Controls", scenario: "Scenario",
      apply: "Apply", stop: "Stop", start: "Start", set: "Set", reset: "Reset sandbox",
      mode_down: "down (503)", mode_slow: "slow", minutes: "min", arrivals: "Online submissions",
      per_min: "/min", time_scale: "Clock speed", flows: "Online dossiers",
      by_status: "Dossiers by status, per province", satisfaction: "Satisfaction index (score /18)",
      token_title: "Enter the admin token",
      token_help: "Printed by make run (SANDBOX_ADMIN_TOKEN). Kept in this tab only.",
      enter: "Enter", token_rejected: "Wrong token, please enter it again.",
      healthy: "healthy", slow: "slow", failing: "failing",
      provinces: "34 provinces", sync: "sync", push: "push", calls: "calls",
      payment_link: "payment",
      no_scenario: "No scenario running", phase: "phase", left: "left", total_left: "total left", finished: "finished",
      submitted: "Submitted", synced_back: "Synced back", waiting: "Waiting", lost: "Lost", overdue: "Overdue",
      no_dossiers: "No dossiers yet", no_ratings: "No ratings yet", ratings: "ratings",
      updated: "updated", stale: "connection lost", none_selected: "(choose)",
      lift: "lift", expires: "expires in", confirm_reset: "Delete every dossier, fault rule, scenario and journal row?",
      done: "Done", rule_set: "Fault rule set", rps: "/s", errors: "errors",
    },
  };
  const KEY = "dashboard.lang";

  Dash.lang = localStorage.getItem(KEY) === "en" ? "en" : "vi";

  /** The label for `key` in the current language (the key itself when missing). */
  Dash.t = function (key) {
    return LABELS[Dash.lang][key] || LABELS.vi[key] || key;
  };

  /** Rewrite every element marked data-i18n, and the toggle button, in the current language. */
  Dash.applyLanguage = function () {
    document.documentElement.lang = Dash.lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = Dash.t(el.dataset.i18n);
    });
    document.getElementById("lang-toggle").textContent = Dash.lang === "vi" ? "EN" : "VI";
  };

  /** Switch language, remember the choice across visits, and redraw. */
  Dash.toggleLanguage = function () {
    Dash.lang = Dash.lang === "vi" ? "en" : "vi";
    localStorage.setItem(KEY, Dash.lang);
    Dash.applyLanguage();
    if (Dash.redraw) Dash.redraw();
  };
})(window.Dash);
