#pragma once
// The demo data set's tables: products, warehouses, customers, users and the texts the
// demo orders draw from. Used only by demo.cc.

#include <cstdint>
#include <iterator>

#include "common/decimal.h"
#include "common/time.h"
#include "domain/entities.h"
#include "domain/order.h"
#include "domain/roles.h"

namespace ordo::app::demo_data {

using domain::Channel;
using domain::InvoiceType;
using domain::PaymentMethod;
using domain::Role;

inline constexpr Millis kMinute = 60LL * 1000;
inline constexpr Millis kHour = 60 * kMinute;
inline constexpr Millis kDay = 24 * kHour;
inline constexpr int kHistoryDays = 90;

// ---- the catalogue ----

enum class StockKind { kRegular, kScarce, kZero, kNone };

struct ProductSpec {
  const char* sku;
  const char* name;
  const char* spec;
  const char* unit;
  const char* list_price;
  int min_percent;  // min_price as a percentage of list_price
  int tax_units;    // tax rate in ten-thousandths (1300 = 13%)
  bool make_to_order;
  int lead_time_days;
  int safety_stock;
  int qty_min, qty_max, qty_step;
  int weight;  // how often it is ordered; 0: only as an add-on line
  StockKind stock;
};

inline constexpr StockKind R = StockKind::kRegular;
inline constexpr StockKind S = StockKind::kScarce;
inline constexpr StockKind Z = StockKind::kZero;
inline constexpr StockKind N = StockKind::kNone;

// clang-format off
inline const ProductSpec kProducts[] = {
  {"VAL-DN50-304", "不锈钢球阀", "Q41F-16P DN50 304不锈钢 法兰连接", "个", "680.00", 88, 1300, false, 5, 40, 2, 30, 1, 8, R},
  {"VAL-DN100-WCB", "铸钢闸阀", "Z41H-16C DN100 WCB 法兰连接", "个", "1450.00", 90, 1300, false, 7, 20, 1, 12, 1, 5, R},
  {"VAL-BFV-DN150", "蜗轮对夹蝶阀", "D371X-16Q DN150 球铁阀体", "个", "980.00", 88, 1300, false, 7, 15, 1, 10, 1, 5, R},
  {"ACT-PNU-AT63", "气动执行器", "AT63DA 双作用 铝合金阳极氧化", "台", "860.00", 90, 1300, false, 7, 20, 1, 20, 1, 6, R},
  {"VFD-7R5-G", "变频器 7.5kW", "ACS510-01-017A-4 三相380V 7.5kW", "台", "4280.00", 90, 1300, false, 5, 10, 1, 8, 1, 8, R},
  {"VFD-22K-G", "变频器 22kW", "ACS510-01-046A-4 三相380V 22kW", "台", "9650.00", 92, 1300, false, 10, 5, 1, 4, 1, 4, R},
  {"SRV-MTR-750W", "交流伺服电机", "MHMF082L1U2M 750W 带抱闸 23位编码器", "台", "3860.00", 90, 1300, false, 10, 8, 1, 10, 1, 6, R},
  {"SRV-DRV-750W", "伺服驱动器", "MADLT15SF 单相220V 750W", "台", "2980.00", 90, 1300, false, 10, 8, 1, 10, 1, 3, Z},
  {"PLC-S7-1214C", "PLC控制器", "CPU 1214C DC/DC/DC 6ES7214-1AG40-0XB0", "台", "3350.00", 93, 1300, false, 5, 10, 1, 6, 1, 6, R},
  {"HMI-KTP700", "触摸屏", "KTP700 Basic 7寸 6AV2123-2GB03-0AX0", "台", "2680.00", 92, 1300, false, 5, 6, 1, 6, 1, 4, R},
  {"NET-SW8-IND", "工业以太网交换机", "8电口 百兆 DIN导轨安装 -40~75℃", "台", "2150.00", 88, 1300, false, 5, 10, 1, 10, 1, 5, R},
  {"BRG-6205-2RS", "深沟球轴承", "6205-2RS 25×52×15mm 双面胶封", "个", "18.50", 85, 1300, false, 3, 500, 50, 600, 10, 9, R},
  {"BRG-6310-ZZ", "深沟球轴承", "6310-ZZ 50×110×27mm 双面铁封", "个", "96.00", 86, 1300, false, 3, 200, 20, 200, 10, 6, R},
  {"BRG-22220-CA", "调心滚子轴承", "22220CA/W33 100×180×46mm", "个", "1280.00", 88, 1300, false, 15, 10, 2, 16, 1, 3, S},
  {"OIL-HM46-18L", "抗磨液压油 46#", "L-HM46 18L/桶", "桶", "520.00", 90, 1300, false, 3, 60, 5, 60, 1, 7, R},
  {"OIL-CKD220", "工业齿轮油 220#", "L-CKD220 200L/桶", "桶", "3680.00", 92, 1300, false, 5, 10, 1, 8, 1, 4, R},
  {"CBL-YJV-3X95", "电力电缆", "YJV-0.6/1kV 3×95+1×50mm²", "米", "268.00", 92, 1300, false, 7, 500, 50, 800, 10, 5, R},
  {"CBL-RVVP-4X1", "屏蔽控制电缆", "RVVP 4×1.0mm² 100米/卷", "卷", "380.00", 88, 1300, false, 5, 50, 2, 30, 1, 5, R},
  {"SNS-PT100-300", "铂热电阻", "WZP-230 Pt100 插深300mm", "支", "165.00", 85, 1300, false, 5, 50, 5, 50, 1, 5, R},
  {"SNS-PT-1M6", "压力变送器", "0~1.6MPa 4~20mA M20×1.5 精度0.25%", "台", "1180.00", 90, 1300, false, 7, 15, 1, 15, 1, 5, S},
  {"SNS-PROX-M18", "电感式接近开关", "M18 NPN常开 检测距离8mm", "个", "68.00", 85, 1300, false, 3, 300, 10, 200, 10, 6, R},
  {"PMP-CDLF8-6", "立式多级离心泵", "CDLF8-60 5.5kW 304不锈钢", "台", "8900.00", 90, 1300, false, 15, 3, 1, 4, 1, 3, R},
  {"MTR-YE3-15KW", "三相异步电动机", "YE3-160L-4 15kW IE3能效 B3安装", "台", "5860.00", 90, 1300, false, 10, 5, 1, 6, 1, 4, R},
  {"RED-K87-30", "斜齿轮-伞齿轮减速机", "K87 速比30.0 配7.5kW电机", "台", "12800.00", 92, 1300, true, 30, 0, 1, 3, 1, 2, N},
  {"CAB-GGD-IP55", "低压配电柜", "GGD 800×600×2200 IP55 按图定制", "台", "26500.00", 90, 1300, true, 45, 0, 1, 2, 1, 2, N},
  {"CNV-EP200-B800", "橡胶输送带", "EP200 B800 4层 6+3mm", "米", "420.00", 88, 1300, true, 20, 0, 20, 200, 10, 2, N},
  {"FLT-0160D010", "液压滤芯", "0160D010BN4HC 10μm", "个", "235.00", 85, 1300, false, 5, 50, 5, 50, 1, 5, R},
  {"TLS-TQ-SET12", "扭力扳手套装", "1/2\" 28~210N·m 含套筒12件", "套", "1380.00", 88, 1300, false, 5, 10, 1, 10, 1, 3, R},
  {"PPE-GLV-CUT5", "防割手套", "5级防割 丁腈涂层 12副/箱", "箱", "288.00", 85, 1300, false, 3, 40, 2, 40, 1, 5, R},
  {"SVC-INSTALL", "现场安装调试服务", "工程师现场服务 按人天计", "人天", "2400.00", 85, 600, true, 3, 0, 1, 6, 1, 0, N},
  {"SVC-FREIGHT", "专车运输服务", "厂内专车配送 按车次计", "车次", "1800.00", 90, 900, true, 2, 0, 1, 2, 1, 0, N},
};
// clang-format on
inline constexpr int kInstallService = 29;
inline constexpr int kFreightService = 30;

struct WarehouseSpec {
  const char* code;
  const char* name;
  const char* region;
  const char* address;
};

inline const WarehouseSpec kWarehouses[] = {
    {"WH-SH", "上海浦东仓", "华东", "上海市浦东新区川沙路6999号"},
    {"WH-GZ", "广州白云仓", "华南", "广州市白云区太和镇广州北部物流园A区"},
    {"WH-BJ", "北京顺义仓", "华北", "北京市顺义区空港物流园区裕华路16号"},
    {"WH-CD", "成都双流仓", "西南", "成都市双流区西航港物流园区大件路88号"},
    {"WH-WH", "武汉东西湖仓", "华中", "武汉市东西湖区走马岭汇通大道6号"},
};

struct CustomerSpec {
  const char* code;
  const char* name;
  const char* division;  // 行政区划代码, positions 3-8 of the USCC
  const char* region;
  int warehouse;  // the nearest warehouse (index into kWarehouses)
  const char* address;
  const char* postcode;
  const char* domain;
  const char* contact1;
  const char* contact2;
  const char* bank;
  const char* credit_limit;  // nullptr: no limit
  PaymentMethod method;
  int net_days;
  int prepay_percent;
  InvoiceType invoice;
  bool blocked;
  bool partner;  // a downstream customer of channel partner 1
  int weight;
  int rep;  // 0: sales1, 1: sales2
};

inline constexpr PaymentMethod kNet = PaymentMethod::kNet;
inline constexpr PaymentMethod kPre = PaymentMethod::kPrepayment;
inline constexpr PaymentMethod kCod = PaymentMethod::kCashOnDelivery;
inline constexpr PaymentMethod kInst = PaymentMethod::kInstallment;
inline constexpr InvoiceType kSpecial = InvoiceType::kVatSpecial;
inline constexpr InvoiceType kNormal = InvoiceType::kVatNormal;

// clang-format off
inline const CustomerSpec kCustomers[] = {
  {"C0001", "上海华东精密机械有限公司", "310115", "华东", 0, "上海市浦东新区张江路1388号", "201203", "hdjm.com.cn", "陈建国", "徐丽娟", "中国工商银行上海张江支行", "3000000.00", kNet, 30, 0, kSpecial, false, false, 5, 0},
  {"C0002", "深圳市鹏程自动化设备有限公司", "440306", "华南", 1, "深圳市宝安区福永街道凤凰路88号", "518103", "pengcheng-auto.cn", "林志强", "郑晓燕", "招商银行深圳宝安支行", "2000000.00", kNet, 60, 0, kSpecial, false, false, 5, 1},
  {"C0003", "北京中科智控技术有限公司", "110108", "华北", 2, "北京市海淀区上地信息路26号", "100085", "zkzk-tech.com", "王磊", "孙悦", "中国银行北京上地支行", nullptr, kNet, 30, 0, kSpecial, false, false, 4, 0},
  {"C0004", "成都蜀能电力工程有限公司", "510107", "西南", 3, "成都市武侯区天府大道北段1700号", "610041", "shuneng-power.com", "李俊", "何静", "中国建设银行成都高新支行", "1500000.00", kPre, 0, 30, kSpecial, false, false, 3, 1},
  {"C0005", "武汉长江重工机械有限公司", "420112", "华中", 4, "武汉市东西湖区金银湖路18号", "430040", "cjzg.com.cn", "张国庆", "胡敏", "中国农业银行武汉东西湖支行", "2500000.00", kNet, 45, 0, kSpecial, false, false, 4, 1},
  {"C0006", "苏州工业园区恒信电子科技有限公司", "320571", "华东", 0, "苏州工业园区星湖街328号", "215123", "hengxin-sz.com", "朱海涛", "沈佳", "交通银行苏州工业园区支行", "1000000.00", kNet, 30, 0, kSpecial, false, false, 4, 0},
  {"C0007", "杭州西子智能装备有限公司", "330110", "华东", 0, "杭州市余杭区文一西路998号", "311121", "xizi-ie.com", "钱伟", "方琳", "浙商银行杭州余杭支行", nullptr, kInst, 90, 0, kSpecial, false, false, 3, 0},
  {"C0008", "青岛海湾化工设备有限公司", "370211", "华东", 0, "青岛市黄岛区江山南路480号", "266555", "haiwan-chem.cn", "刘海滨", "于倩", "中国银行青岛黄岛支行", "800000.00", kNet, 60, 0, kSpecial, false, false, 3, 0},
  {"C0009", "重庆渝西汽车零部件有限公司", "500106", "西南", 3, "重庆市沙坪坝区西永大道36号", "401332", "yuxi-auto.cn", "邓志华", "谭芳", "重庆农村商业银行沙坪坝支行", "50000.00", kCod, 0, 0, kSpecial, false, false, 2, 1},
  {"C0010", "西安秦川动力设备有限公司", "610131", "西北", 3, "西安市高新区锦业路69号", "710077", "qinchuan-power.com", "高建军", "任雪", "中国建设银行西安高新支行", "1200000.00", kNet, 30, 0, kSpecial, false, false, 3, 1},
  {"C0011", "天津滨海港口机械有限公司", "120116", "华北", 2, "天津市滨海新区塘沽新港二号路55号", "300456", "bhgk-tj.com", "赵永刚", "马丽", "中国工商银行天津滨海分行", "2000000.00", kNet, 60, 0, kSpecial, false, false, 3, 0},
  {"C0012", "广州南沙新能源科技有限公司", "440115", "华南", 1, "广州市南沙区黄阁镇汇通路6号", "511455", "ns-newenergy.cn", "黄志明", "梁敏仪", "中国银行广州南沙支行", "1500000.00", kPre, 0, 50, kSpecial, false, false, 3, 1},
  {"C0013", "南京金陵石化设备安装有限公司", "320113", "华东", 0, "南京市栖霞区经天路18号", "210046", "jlsh-install.com", "吴海", "蒋婷", "中国工商银行南京栖霞支行", nullptr, kNet, 60, 0, kSpecial, false, false, 3, 0},
  {"C0014", "东莞市力拓五金制品有限公司", "441900", "华南", 1, "东莞市长安镇锦厦路12号", "523850", "lituo-hw.com", "叶伟明", "邱丽", "东莞农村商业银行长安支行", "300000.00", kCod, 0, 0, kNormal, false, false, 2, 1},
  {"C0015", "长沙中联泵业有限公司", "430112", "华中", 4, "长沙市望城区腾飞路二段99号", "410200", "zlpump.cn", "彭刚", "罗娟", "长沙银行望城支行", "900000.00", kNet, 30, 0, kSpecial, false, false, 3, 1},
  {"C0016", "郑州中原矿山机械有限公司", "410106", "华中", 4, "郑州市上街区淮阳路21号", "450041", "zyks-mining.com", "杨建", "宋雪", "中原银行郑州上街支行", "500000.00", kNet, 30, 0, kSpecial, true, false, 0, 1},
  {"C0017", "合肥江淮智能制造有限公司", "340171", "华东", 0, "合肥市经济技术开发区紫云路233号", "230601", "jhzz-hf.com", "汪洋", "程琳", "徽商银行合肥经开区支行", "1000000.00", kNet, 30, 0, kSpecial, false, false, 3, 0},
  {"C0018", "昆山市宏达精密模具有限公司", "320583", "华东", 0, "昆山市玉山镇中华园西路1888号", "215300", "hongda-mould.com", "顾明", "陆燕", "中国农业银行昆山支行", "400000.00", kNet, 30, 0, kSpecial, false, true, 2, 0},
  {"C0019", "无锡锡山纺织机械有限公司", "320205", "华东", 0, "无锡市锡山区东港镇港东路56号", "214196", "xstm-wx.com", "华强", "浦敏", "江苏银行无锡锡山支行", "600000.00", kPre, 0, 30, kSpecial, false, true, 2, 0},
  {"C0020", "常州天宁电器有限公司", "320402", "华东", 0, "常州市天宁区青洋北路138号", "213017", "tnelec-cz.com", "恽志", "吕婷", "中国建设银行常州天宁支行", nullptr, kNet, 30, 0, kNormal, false, true, 2, 0},
};
// clang-format on
inline constexpr int kBlockedCustomer = 15;

// Demo users; the index is the actor's index in Loader::actors_.
enum UserIndex {
  kSales1,
  kSales2,
  kManager,
  kFinance,
  kWarehouse,
  kProduction,
  kLogistics,
  kService,
  kAnalyst,
  kAuditor,
  kPartner,
  kUserCount
};

struct UserSpec {
  const char* username;
  const char* display_name;
  Role role;
};

inline const UserSpec kUsers[] = {
    {"sales1", "王芳", Role::kSalesRep},
    {"sales2", "李强", Role::kSalesRep},
    {"manager", "张伟", Role::kSalesManager},
    {"finance", "刘洋", Role::kFinance},
    {"warehouse", "陈静", Role::kWarehouse},
    {"production", "杨磊", Role::kProduction},
    {"logistics", "赵敏", Role::kLogistics},
    {"service", "黄丽", Role::kService},
    {"analyst", "周杰", Role::kAnalyst},
    {"auditor", "吴刚", Role::kAuditor},
    {"partner1", "孙涛（苏州恒通工控）", Role::kPartner},
};
static_assert(std::size(kUsers) == kUserCount);

inline const char* const kSpecialRequirements[] = {
    "木箱包装，做防潮处理",       "随货提供出厂检验报告和合格证", "送货前一天电话联系收货人",
    "仅限工作日 8:30-17:00 收货", "请分两批发货，先发现货部分",   "大件需带尾板车，现场无叉车",
    "外箱标注客户物料编码",
};
inline const char* const kNotes[] = {
    "客户老项目追加采购",     "年度框架协议内订单", "技术协议已签回，见附件",
    "客户要求按上次价格执行", "新产线设备配套",     "设备检修备件",
};
inline const char* const kCancelReasons[] = {
    "客户项目延期，取消本次采购",   "客户已从其他供应商采购",
    "客户要求合并到新订单重新下单", "重复下单",
    "报价有效期已过，客户未确认",
};

}  // namespace ordo::app::demo_data
