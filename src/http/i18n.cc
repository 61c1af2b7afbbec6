#include "http/i18n.h"

#include <regex>
#include <vector>

namespace ordo::http {

namespace {

struct Entry {
  const char* en;
  const char* cn;
  const char* tw;
};

// Exact messages and field reasons.
const Entry kExact[] = {
    {"required", "必填", "必填"},
    {"validation failed", "输入有误，请检查标出的字段", "輸入有誤，請檢查標出的欄位"},
    {"must not be negative", "不能为负数", "不能為負數"},
    {"must not be zero", "不能为零", "不能為零"},
    {"must be greater than 0", "必须大于 0", "必須大於 0"},
    {"must be an object", "必须是对象", "必須是物件"},
    {"must be an array", "必须是数组", "必須是陣列"},
    {"must be a string", "必须是字符串", "必須是字串"},
    {"must be an integer", "必须是整数", "必須是整數"},
    {"must be an id", "必须是编号（整数）", "必須是編號（整數）"},
    {"one or more of sales finance warehouse, separated by commas",
     "须为 sales、finance、warehouse 中的一个或多个，以逗号分隔",
     "須為 sales、finance、warehouse 中的一個或多個，以逗號分隔"},
    {"at most 200 ids separated by commas", "最多 200 个编号，以逗号分隔",
     "最多 200 個編號，以逗號分隔"},
    {"must be a whole number", "必须是整数", "必須是整數"},
    {"must be true or false", "必须是 true 或 false", "必須是 true 或 false"},
    {"must be a decimal number", "必须是十进制数", "必須是十進位數"},
    {"must be a decimal string or number", "必须是数字或数字字符串", "必須是數字或數字字串"},
    {"must be a date YYYY-MM-DD", "必须是日期 YYYY-MM-DD", "必須是日期 YYYY-MM-DD"},
    {"must be at least 0 and below 1", "必须在 0（含）与 1 之间", "必須在 0（含）與 1 之間"},
    {"must not exceed list_price", "不能高于标准价", "不能高於標準價"},
    {"must be the record's version number", "必须是记录的版本号", "必須是記錄的版本號"},
    {"too large", "数值过大", "數值過大"},
    {"amount too large", "金额过大，超出系统上限", "金額過大，超出系統上限"},
    {"credit exposure too large", "客户信用占用金额过大，超出系统上限",
     "客戶信用占用金額過大，超出系統上限"},
    {"on hand would pass 1000000000000", "现有库存将超过 1000000000000",
     "現有庫存將超過 1000000000000"},
    {"too many digits", "位数过多", "位數過多"},
    {"no such customer", "客户不存在", "客戶不存在"},
    {"no such product", "产品不存在", "產品不存在"},
    {"no such warehouse", "仓库不存在", "倉庫不存在"},
    {"product is inactive", "产品已停用", "產品已停用"},
    {"customer is blocked", "客户已冻结", "客戶已凍結"},
    {"at least one line", "至少需要一行明细", "至少需要一行明細"},
    {"at least one role", "至少需要一个角色", "至少需要一個角色"},
    {"larger than the order amount", "大于订单金额", "大於訂單金額"},
    {"required when rejecting", "退回时必须填写意见", "退回時必須填寫意見"},
    {"required with an override", "特批时必须填写意见", "特批時必須填寫意見"},
    {"required for the partner role", "渠道伙伴角色必须指定伙伴", "渠道夥伴角色必須指定夥伴"},
    {"only for users with the partner role", "仅用于渠道伙伴角色", "僅用於渠道夥伴角色"},
    {"unknown field", "未知字段", "未知欄位"},
    {"you cannot review your own order", "不能评审自己录入或最后修改的订单",
     "不能評審自己錄入或最後修改的訂單"},
    {"a partner user has no other role", "渠道伙伴用户不能兼任其他角色",
     "渠道夥伴使用者不能兼任其他角色"},
    {"set at start with ORDO_TIMEZONE", "由启动参数 ORDO_TIMEZONE 设定",
     "由啟動參數 ORDO_TIMEZONE 設定"},
    {"must not be before today", "不能早于今天", "不能早於今天"},
    {"the weights must add up to 1", "各项权重之和必须为 1", "各項權重之和必須為 1"},
    {"must not contain NUL characters", "不能包含 NUL 字符", "不能包含 NUL 字元"},
    {"must not contain control characters", "不能包含控制字符", "不能包含控制字元"},
    {"must not contain bidirectional control characters", "不能包含文字方向控制字符",
     "不能包含文字方向控制字元"},
    {"request body is nested deeper than 64 levels", "请求内容嵌套超过 64 层",
     "請求內容巢狀超過 64 層"},
    {"wrong password", "密码错误", "密碼錯誤"},
    {"wrong username or password", "用户名或密码错误", "使用者名稱或密碼錯誤"},
    {"missing bearer token", "未登录", "未登入"},
    {"invalid or expired token", "登录已失效，请重新登录", "登入已失效，請重新登入"},
    {"session expired or unknown", "登录已失效，请重新登录", "登入已失效，請重新登入"},
    {"user is deactivated", "用户已停用", "使用者已停用"},
    {"too many failed logins; try again in a few minutes", "登录失败次数过多，请几分钟后再试",
     "登入失敗次數過多，請幾分鐘後再試"},
    {"your role does not allow this action", "您的角色无权执行此操作", "您的角色無權執行此操作"},
    {"not allowed for your role", "您的角色无权执行此操作", "您的角色無權執行此操作"},
    {"only an admin may change other users", "只有管理员可以修改其他用户",
     "只有管理員可以修改其他使用者"},
    {"only an admin may change roles or status", "只有管理员可以修改角色或状态",
     "只有管理員可以修改角色或狀態"},
    {"change your own password with PATCH /api/v1/me", "请在个人设置中修改自己的密码",
     "請在個人設定中修改自己的密碼"},
    {"request body is not valid JSON", "请求体不是有效的 JSON", "請求內容不是有效的 JSON"},
    {"request body must be a JSON object", "请求体必须是 JSON 对象", "請求內容必須是 JSON 物件"},
    {"no such endpoint", "接口不存在", "介面不存在"},
    {"no such record", "记录不存在", "記錄不存在"},
    {"no such file", "文件不存在", "檔案不存在"},
    {"method not allowed on this path", "此路径不支持该方法", "此路徑不支援該方法"},
    {"stale version", "记录已被他人修改，请刷新后重试", "記錄已被他人修改，請重新整理後再試"},
    {"Idempotency-Key was used with another request", "幂等键已用于另一个请求",
     "冪等鍵已用於另一個請求"},
    {"on hand may not go below zero", "现有库存不能小于零", "現有庫存不能小於零"},
    {"a referenced record does not exist", "引用的记录不存在", "引用的記錄不存在"},
    {"database unreachable", "数据库不可用", "資料庫無法連線"},
    {"you cannot remove your own admin role or deactivate yourself",
     "不能移除自己的管理员角色或停用自己", "不能移除自己的管理員角色或停用自己"},
    {"8 to 200 characters", "8 到 200 个字符", "8 到 200 個字元"},
    {"1-64 characters of a-z, 0-9, _ . -", "1-64 个字符，仅限 a-z、0-9、_ . -",
     "1-64 個字元，僅限 a-z、0-9、_ . -"},
    {"must be 18 characters", "必须是 18 位", "必須是 18 位"},
    {"invalid character", "含有无效字符", "含有無效字元"},
    {"check character mismatch", "校验码不符", "校驗碼不符"},
    // The HTTP server's own answers.
    {"malformed request target", "请求地址格式错误", "請求位址格式錯誤"},
    {"unknown method", "不支持的请求方法", "不支援的請求方法"},
};

struct Named {
  const char* en;
  const char* cn;
  const char* tw;
};

const Named kStatuses[] = {
    {"draft", "草稿", "草稿"},         {"pending_review", "待评审", "待評審"},
    {"rejected", "已退回", "已退回"},  {"approved", "待客户确认", "待客戶確認"},
    {"confirmed", "已确认", "已確認"}, {"in_progress", "执行中", "執行中"},
    {"completed", "已完成", "已完成"}, {"closed", "已关闭", "已關閉"},
    {"cancelled", "已取消", "已取消"}, {"on_hold", "已暂停", "已暫停"},
};
const Named kActions[] = {
    {"edit", "修改", "修改"},    {"submit", "提交", "提交"}, {"review", "评审", "評審"},
    {"confirm", "确认", "確認"}, {"cancel", "取消", "取消"}, {"hold", "暂停", "暫停"},
    {"release", "恢复", "恢復"},
};
const Named kEntities[] = {
    {"order", "订单", "訂單"},   {"customer", "客户", "客戶"},
    {"product", "产品", "產品"}, {"warehouse", "仓库", "倉庫"},
    {"user", "用户", "使用者"},  {"stock row", "库存记录", "庫存記錄"},
};
const Named kFields[] = {
    {"code", "编码", "編碼"},
    {"sku", "SKU", "SKU"},
    {"username", "用户名", "使用者名稱"},
    {"number", "订单号", "訂單號"},
};
const Named kRules[] = {
    {"below_min_price", "价格低于最低价：销售评审通过须价格特批（override_price）并填写意见",
     "價格低於最低價：銷售評審通過須價格特批（override_price）並填寫意見"},
    {"credit_limit_exceeded", "超出信用额度：财务评审通过须信用特批（override_credit）并填写意见",
     "超出信用額度：財務評審通過須信用特批（override_credit）並填寫意見"},
    {"insufficient_stock",
     "库存不足：仓储评审通过须给出补货日期（restock_date），"
     "或库存调整后现有量不能低于已预留量",
     "庫存不足：倉儲評審通過須給出補貨日期（restock_date），或庫存調整後現有量不能低於已預留量"},
    {"already_shipped", "订单已有发货，取消须走变更流程并约定补偿",
     "訂單已有出貨，取消須走變更流程並約定補償"},
};

const char* Pick(const Named& n, Lang lang) { return lang == Lang::kZhTW ? n.tw : n.cn; }

template <size_t N>
std::string Name(const Named (&table)[N], const std::string& en, Lang lang) {
  for (const auto& n : table) {
    if (en == n.en) return Pick(n, lang);
  }
  return en;
}

std::string Patterns(const std::string& text, Lang lang) {
  static const std::regex kAtMost(R"(^at most (\d+) (bytes|decimals|characters|lines)$)");
  static const std::regex kBetween(R"(^must be between (\S+) and (\S+)$)");
  static const std::regex kRange(R"(^(\d+) to (\d+)$)");
  static const std::regex kOneOf(R"(^must be one of (.+)$)");
  static const std::regex kTransition(R"(^cannot (\w+) an order in status (\w+)$)");
  static const std::regex kNotFound(
      R"(^(order|customer|product|warehouse|user|stock row) not found$)");
  static const std::regex kExists(R"(^(code|sku|username|number) already exists$)");
  static const std::regex kChanged(R"(^the record was changed by someone else \(version (\d+)\)$)");
  static const std::regex kReviewed(
      R"(^(sales|finance|warehouse) has already reviewed this round$)");
  static const std::regex kTooLarge(R"(^request (body|header section) exceeds (\d+) bytes$)");
  static const std::regex kMalformed(R"(^malformed request: (.*)$)");
  const bool tw = lang == Lang::kZhTW;
  std::smatch m;
  if (std::regex_match(text, m, kAtMost)) {
    const std::string kind = m[2];
    const char* unit = kind == "bytes"      ? (tw ? "位元組" : "字节")
                       : kind == "decimals" ? (tw ? "位小數" : "位小数")
                       : kind == "lines"    ? "行"
                                            : (tw ? "個字元" : "个字符");
    return "最多 " + m[1].str() + " " + unit;
  }
  if (std::regex_match(text, m, kBetween)) {
    return (tw ? "必須在 " : "必须在 ") + m[1].str() + (tw ? " 與 " : " 与 ") + m[2].str() +
           (tw ? " 之間" : " 之间");
  }
  if (std::regex_match(text, m, kRange)) return m[1].str() + " ~ " + m[2].str();
  if (std::regex_match(text, m, kOneOf)) {
    return (tw ? "必須是以下之一：" : "必须是以下之一：") + m[1].str();
  }
  if (std::regex_match(text, m, kTransition)) {
    return (tw ? "訂單狀態為「" : "订单状态为「") + Name(kStatuses, m[2], lang) +
           (tw ? "」時不能" : "」时不能") + Name(kActions, m[1], lang);
  }
  if (std::regex_match(text, m, kNotFound)) return Name(kEntities, m[1], lang) + "不存在";
  if (std::regex_match(text, m, kExists)) {
    return Name(kFields, m[1], lang) + "已存在";
  }
  if (std::regex_match(text, m, kChanged)) {
    return (tw ? "記錄已被他人修改（目前版本 " : "记录已被他人修改（当前版本 ") + m[1].str() +
           (tw ? "），請重新整理後再試" : "），请刷新后重试");
  }
  if (std::regex_match(text, m, kTooLarge)) {
    const bool body = m[1] == "body";
    return (body ? (tw ? "請求內容超過 " : "请求体超过 ")
                 : (tw ? "請求標頭超過 " : "请求头超过 ")) +
           m[2].str() + (tw ? " 位元組" : " 字节");
  }
  if (std::regex_match(text, m, kMalformed)) {
    return (tw ? "請求格式錯誤：" : "请求格式错误：") + m[1].str();
  }
  if (std::regex_match(text, m, kReviewed)) {
    static const Named kDepts[] = {
        {"sales", "销售", "銷售"}, {"finance", "财务", "財務"}, {"warehouse", "仓储", "倉儲"}};
    return Name(kDepts, m[1], lang) + (tw ? "本輪已評審" : "本轮已评审");
  }
  return text;
}

}  // namespace

Lang LangOf(const Request& req) {
  std::string v = req.Header("accept-language");
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // The first language tag decides.
  const std::string first = v.substr(0, v.find_first_of(",;"));
  if (first.rfind("zh", 0) != 0) return Lang::kEn;
  if (first.find("tw") != std::string::npos || first.find("hk") != std::string::npos ||
      first.find("mo") != std::string::npos || first.find("hant") != std::string::npos) {
    return Lang::kZhTW;
  }
  return Lang::kZhCN;
}

std::string Translate(std::string_view english, Lang lang) {
  if (lang == Lang::kEn) return std::string(english);
  for (const auto& e : kExact) {
    if (english == e.en) return lang == Lang::kZhTW ? e.tw : e.cn;
  }
  return Patterns(std::string(english), lang);
}

std::string RuleMessage(std::string_view rule, Lang lang) {
  if (lang == Lang::kEn) return "";
  for (const auto& r : kRules) {
    if (rule == r.en) return Pick(r, lang);
  }
  return "";
}

}  // namespace ordo::http
