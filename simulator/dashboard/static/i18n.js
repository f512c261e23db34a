/* Labels in Vietnamese (default) and English; the choice is remembered in localStorage. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  // Every label once: [Vietnamese, English].
  const LABELS = {
    title: ["Liên thông DVC — sandbox", "Public-service interconnection — sandbox"],
    change_token: ["Đổi token", "Change token"],
    map_title: ["Sơ đồ liên thông", "Interconnection map"],
    journal: ["Nhật ký yêu cầu mới nhất", "Latest journal entries"],
    col_time: ["Giờ", "Time"],
    col_system: ["Hệ thống", "System"],
    col_operation: ["Thao tác", "Operation"],
    col_client: ["Bên gọi", "Caller"],
    col_status: ["Mã", "Status"],
    col_fault: ["Lỗi giả lập", "Injected fault"],
    col_latency: ["ms", "ms"],
    controls: ["Điều khiển", "Controls"],
    scenario: ["Kịch bản", "Scenario"],
    apply: ["Áp dụng", "Apply"],
    stop: ["Dừng", "Stop"],
    start: ["Bắt đầu", "Start"],
    set: ["Đặt", "Set"],
    reset: ["Đặt lại sandbox", "Reset sandbox"],
    mode_down: ["ngừng (503)", "down (503)"],
    mode_slow: ["chậm", "slow"],
    minutes: ["phút", "min"],
    arrivals: ["Nộp trực tuyến", "Online submissions"],
    per_min: ["/phút", "/min"],
    time_scale: ["Tốc độ đồng hồ", "Clock speed"],
    flows: ["Hồ sơ nộp trực tuyến", "Online dossiers"],
    by_status: ["Hồ sơ theo trạng thái, theo tỉnh", "Dossiers by status, per province"],
    satisfaction: ["Chỉ số hài lòng (điểm /18)", "Satisfaction index (score /18)"],
    token_title: ["Nhập admin token", "Enter the admin token"],
    token_help: ["Token được in khi chạy make run (SANDBOX_ADMIN_TOKEN). Chỉ lưu trong tab này.", "Printed by make run (SANDBOX_ADMIN_TOKEN). Kept in this tab only."],
    enter: ["Vào", "Enter"],
    token_rejected: ["Token không đúng, hãy nhập lại.", "Wrong token, please enter it again."],
    healthy: ["bình thường", "healthy"],
    slow: ["chậm", "slow"],
    failing: ["lỗi", "failing"],
    provinces: ["34 tỉnh, thành phố", "34 provinces"],
    sync: ["đồng bộ", "sync"],
    push: ["chuyển", "push"],
    calls: ["tra cứu", "calls"],
    payment_link: ["thanh toán", "payment"],
    no_scenario: ["Không chạy kịch bản", "No scenario running"],
    phase: ["giai đoạn", "phase"],
    left: ["còn", "left"],
    total_left: ["tổng còn", "total left"],
    finished: ["đã kết thúc", "finished"],
    submitted: ["Đã nộp", "Submitted"],
    synced_back: ["Đã đồng bộ", "Synced back"],
    waiting: ["Đang chờ", "Waiting"],
    lost: ["Bị mất", "Lost"],
    overdue: ["Quá hạn", "Overdue"],
    no_dossiers: ["Chưa có hồ sơ", "No dossiers yet"],
    no_ratings: ["Chưa có đánh giá", "No ratings yet"],
    ratings: ["đánh giá", "ratings"],
    updated: ["cập nhật", "updated"],
    stale: ["mất kết nối", "connection lost"],
    none_selected: ["(chọn)", "(choose)"],
    lift: ["gỡ", "lift"],
    expires: ["hết hạn sau", "expires in"],
    confirm_reset: ["Xoá toàn bộ hồ sơ, luật lỗi, kịch bản và nhật ký?", "Delete every dossier, fault rule, scenario and journal row?"],
    done: ["Xong", "Done"],
    rule_set: ["Đã đặt luật lỗi", "Fault rule set"],
    rps: ["/s", "/s"],
    errors: ["lỗi", "errors"],
    // the readiness-check panel (certify.js)
    certify: ["Kiểm tra sẵn sàng của connector", "Connector readiness check"],
    connector: ["URL nhận đẩy", "Push URL"],
    secret: ["Khoá bí mật", "Secret"],
    run: ["Kiểm tra", "Check"],
    report: ["Xem báo cáo", "Open report"],
    running: ["đang chạy", "running"],
    ready: ["SẴN SÀNG", "READY"],
    not_ready: ["CHƯA SẴN SÀNG", "NOT READY"],
    none: ["Chưa có lần kiểm tra nào", "No check yet"],
  };
  const KEY = "dashboard.lang";

  Dash.lang = localStorage.getItem(KEY) === "en" ? "en" : "vi";

  /** The label for `key` in the current language (the key itself when missing). */
  Dash.t = function (key) {
    const pair = LABELS[key];
    return pair ? pair[Dash.lang === "en" ? 1 : 0] : key;
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
