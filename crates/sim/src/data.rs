//! Word lists and code lists the simulator draws from. All text is NFC.

use rand::Rng;

/// Picks from `(item, weight)` pairs.
pub fn weighted<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    &items[items.len() - 1].0
}

pub fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Surnames with their approximate share of the population, in per mille.
pub const SURNAMES: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 31),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 20),
    ("Võ", 19),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 6),
    ("Trịnh", 5),
    ("Mai", 4),
    ("Lương", 4),
    ("Cao", 3),
    ("Tạ", 2),
    ("Lưu", 2),
    ("Quách", 1),
];

/// Male middle names for people born before about 1990 ("Văn" dominates).
pub const MALE_MIDDLE_OLD: &[(&str, u32)] = &[
    ("Văn", 60),
    ("Hữu", 8),
    ("Đức", 8),
    ("Đình", 6),
    ("Công", 5),
    ("Xuân", 4),
    ("Minh", 4),
    ("Quốc", 3),
    ("Thanh", 2),
];

/// Male middle names for younger people.
pub const MALE_MIDDLE_YOUNG: &[(&str, u32)] = &[
    ("Văn", 12),
    ("Minh", 16),
    ("Đức", 10),
    ("Quốc", 8),
    ("Gia", 10),
    ("Bảo", 8),
    ("Hữu", 5),
    ("Thanh", 6),
    ("Anh", 6),
    ("Hoàng", 6),
    ("Tuấn", 4),
    ("Nhật", 5),
    ("Đăng", 4),
];

pub const FEMALE_MIDDLE_OLD: &[(&str, u32)] = &[
    ("Thị", 75),
    ("Ngọc", 6),
    ("Thu", 5),
    ("Thanh", 5),
    ("Kim", 4),
    ("Minh", 2),
    ("Hồng", 3),
];

pub const FEMALE_MIDDLE_YOUNG: &[(&str, u32)] = &[
    ("Thị", 25),
    ("Ngọc", 12),
    ("Thu", 7),
    ("Thanh", 6),
    ("Minh", 6),
    ("Bảo", 7),
    ("Khánh", 6),
    ("Phương", 5),
    ("Hoài", 4),
    ("Thùy", 6),
    ("Diệu", 3),
    ("Mai", 4),
    ("Quỳnh", 4),
    ("Kim", 3),
];

pub const MALE_GIVEN: &[&str] = &[
    "Dũng",
    "Tuấn",
    "Mạnh",
    "Hùng",
    "Cường",
    "Long",
    "Nam",
    "Hải",
    "Sơn",
    "Thắng",
    "Đạt",
    "Lộc",
    "Trường",
    "Tiến",
    "Quân",
    "Khoa",
    "Huy",
    "Phúc",
    "Khang",
    "An",
    "Minh",
    "Đức",
    "Hiếu",
    "Nghĩa",
    "Tưởng",
    "Ngữ",
    "Nhật",
    "Thịnh",
    "Hưng",
    "Lực",
    "Toản",
    "Quyết",
    "Vỹ",
    "Khải",
    "Dương",
    "Kiên",
    "Thành",
    "Vinh",
    "Tùng",
    "Hoàng",
    "Bảo",
    "Khôi",
    "Quang",
    "Thái",
];

pub const FEMALE_GIVEN: &[&str] = &[
    "Hằng",
    "Hương",
    "Phượng",
    "Kiều",
    "Thảo",
    "Quỳnh",
    "Yến",
    "Nguyệt",
    "Hạnh",
    "Lan",
    "Hoa",
    "Mai",
    "Linh",
    "Trang",
    "Ngọc",
    "Anh",
    "Thủy",
    "Huyền",
    "Nhung",
    "Vy",
    "Hà",
    "My",
    "Ngân",
    "Trâm",
    "Uyên",
    "Thư",
    "Diệp",
    "Nhi",
    "Duyên",
    "Giang",
    "Xuân",
    "Tuyết",
    "Oanh",
    "Khuê",
    "Hồng",
    "Loan",
    "Thoa",
    "Dung",
    "Lý",
    "Ánh",
    "Ngà",
    "Huệ",
    "Mỹ",
    "Nguyên",
];

/// Street names for addresses in wards.
pub const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Quang Trung",
    "Lý Thường Kiệt",
    "Hùng Vương",
    "Nguyễn Huệ",
    "Phan Đình Phùng",
    "Điện Biên Phủ",
    "Lê Duẩn",
    "Trần Phú",
    "Nguyễn Du",
    "Bà Triệu",
    "Ngô Quyền",
    "Võ Thị Sáu",
    "Phạm Ngũ Lão",
    "Hoàng Diệu",
    "Lạc Long Quân",
    "Nguyễn Thị Minh Khai",
];

/// ICD-10 code, official Vietnamese name, and the cause as a doctor writes it.
#[derive(Debug, Clone, Copy)]
pub struct Cause {
    pub icd10: &'static str,
    pub icd10_name: &'static str,
    pub written: &'static str,
}

const fn cause(icd10: &'static str, icd10_name: &'static str, written: &'static str) -> Cause {
    Cause {
        icd10,
        icd10_name,
        written,
    }
}

/// Mothers' ages at a birth: (youngest, oldest) and weight.
#[rustfmt::skip] // The bands read as a table.
pub const MOTHER_AGES: &[((i32, i32), u32)] = &[
    ((17, 19), 5), ((20, 24), 25), ((25, 29), 33), ((30, 34), 24), ((35, 39), 10), ((40, 45), 3),
];

/// Ages at death: (youngest, oldest) and weight.
#[rustfmt::skip] // The bands read as a table.
pub const DEATH_AGES: &[((i32, i32), u32)] = &[
    ((0, 0), 15), ((1, 15), 10), ((16, 44), 70), ((45, 64), 200), ((65, 79), 330), ((80, 100), 375),
];

/// Causes of death of adults and the elderly, with weights.
#[rustfmt::skip] // One cause a line, read as a table.
pub const ADULT_CAUSES: &[(Cause, u32)] = &[
    (cause("I21.9", "Nhồi máu cơ tim cấp, không đặc hiệu", "Nhồi máu cơ tim cấp"), 12),
    (cause("I64", "Đột quỵ, không xác định do xuất huyết hay nhồi máu", "Đột quỵ não"), 16),
    (cause("I61.9", "Xuất huyết trong não, không đặc hiệu", "Xuất huyết não"), 6),
    (cause("C34.9", "U ác của phế quản hoặc phổi, không đặc hiệu", "Ung thư phổi giai đoạn cuối"), 8),
    (cause("C22.0", "Ung thư biểu mô tế bào gan", "Ung thư gan"), 7),
    (cause("C16.9", "U ác của dạ dày, không đặc hiệu", "Ung thư dạ dày"), 4),
    (cause("J18.9", "Viêm phổi, không đặc hiệu", "Viêm phổi nặng, suy hô hấp"), 8),
    (cause("J44.9", "Bệnh phổi tắc nghẽn mạn tính, không đặc hiệu", "Bệnh phổi tắc nghẽn mạn tính đợt cấp"), 6),
    (cause("E11.9", "Bệnh đái tháo đường typ 2 không có biến chứng", "Đái tháo đường typ 2"), 4),
    (cause("I50.9", "Suy tim, không đặc hiệu", "Suy tim mạn"), 5),
    (cause("N18.5", "Bệnh thận mạn, giai đoạn 5", "Suy thận mạn giai đoạn cuối"), 3),
    (cause("A41.9", "Nhiễm khuẩn huyết, không đặc hiệu", "Sốc nhiễm khuẩn"), 3),
    (cause("K74.6", "Xơ gan khác và không đặc hiệu", "Xơ gan mất bù"), 3),
    (cause("V89.2", "Người bị thương trong tai nạn giao thông có động cơ, không xác định", "Tai nạn giao thông, chấn thương sọ não"), 5),
    (cause("W19", "Ngã không xác định", "Ngã, chấn thương sọ não"), 2),
    (cause("R54", "Già yếu", "Già yếu"), 6),
];

/// Causes of death of infants and children.
#[rustfmt::skip] // One cause a line, read as a table.
pub const CHILD_CAUSES: &[(Cause, u32)] = &[
    (cause("P07.3", "Trẻ đẻ non khác", "Sinh non, suy hô hấp"), 4),
    (cause("P22.0", "Hội chứng suy hô hấp của trẻ sơ sinh", "Suy hô hấp sơ sinh"), 3),
    (cause("Q24.9", "Dị tật bẩm sinh của tim, không đặc hiệu", "Tim bẩm sinh phức tạp"), 3),
    (cause("J18.9", "Viêm phổi, không đặc hiệu", "Viêm phổi nặng"), 2),
    (cause("W69", "Chết đuối và chìm trong nước tự nhiên", "Đuối nước"), 2),
    (cause("V89.2", "Người bị thương trong tai nạn giao thông có động cơ, không xác định", "Tai nạn giao thông"), 1),
];

/// Ethnic minorities (1979 code list, as the health tables use) likely in a
/// province, besides Kinh (01), and the share of Kinh in per mille.
pub fn ethnic_mix(province_code: &str) -> (u32, &'static [&'static str]) {
    match province_code {
        // Northern mountains: Tày, Thái, Nùng, H'Mông, Dao, Mường, Sán Chay, Giáy.
        "04" | "11" | "12" | "14" | "15" | "20" => {
            (250, &["02", "03", "07", "08", "09", "15", "25"])
        }
        "08" | "19" | "22" => (650, &["02", "07", "08", "09", "15", "18"]),
        // Phú Thọ, Thanh Hoá, Nghệ An: Mường, Thái.
        "25" | "38" | "40" => (850, &["06", "03", "29"]),
        // Central Highlands and their coast: Gia-rai, Ê-đê, Ba-na, Xơ-đăng, Cơ-ho, Mnông, Hrê.
        "51" | "52" | "66" | "68" => (700, &["10", "12", "13", "14", "16", "19", "20"]),
        "44" | "46" | "48" | "56" => (950, &["23", "26", "31", "21", "17"]),
        // Mekong delta: Khơ-me, Hoa, Chăm.
        "82" | "86" | "91" | "92" | "96" => (900, &["05", "04", "17"]),
        "79" | "75" | "80" => (950, &["04", "05", "17", "07"]),
        _ => (990, &["04", "06", "02"]),
    }
}

/// The pre-2025 province codes (of the personal ID number) that a 2025 province
/// was merged from, so locals get the ID prefix of where they were registered.
pub fn pre_2025_codes(province_code: &str) -> &'static [u16] {
    match province_code {
        "01" => &[1],
        "04" => &[4],
        "08" => &[8, 2],
        "11" => &[11],
        "12" => &[12],
        "14" => &[14],
        "15" => &[10, 15],
        "19" => &[19, 6],
        "20" => &[20],
        "22" => &[22],
        "24" => &[27, 24],
        "25" => &[25, 26, 17],
        "31" => &[31, 30],
        "33" => &[33, 34],
        "37" => &[37, 35, 36],
        "38" => &[38],
        "40" => &[40],
        "42" => &[42],
        "44" => &[44, 45],
        "46" => &[46],
        "48" => &[48, 49],
        "51" => &[51, 62],
        "52" => &[52, 64],
        "56" => &[56, 58],
        "66" => &[66, 54],
        "68" => &[68, 67, 60],
        "75" => &[75, 70],
        "79" => &[79, 74, 77],
        "80" => &[80, 72],
        "82" => &[82, 87],
        "86" => &[86, 83, 84],
        "91" => &[91, 89],
        "92" => &[92, 94, 93],
        "96" => &[96, 95],
        _ => &[],
    }
}

pub const CHILD_CONDITIONS: &[(&str, u32)] = &[
    ("Khỏe mạnh", 90),
    ("Vàng da sơ sinh, đang theo dõi", 4),
    ("Suy hô hấp nhẹ, theo dõi tại khoa Sơ sinh", 3),
    ("Sinh non, nằm lồng ấp", 2),
    ("Hạ đường huyết sơ sinh, đã xử trí", 1),
];

pub const BIRTH_VOID_REASONS: &[&str] = &[
    "Cấp trùng giấy chứng sinh",
    "Cấp nhầm giấy chứng sinh cho sản phụ khác",
    "Thông tin người mẹ không đúng, đã thu hồi và cấp giấy mới",
];

pub const DEATH_VOID_REASONS: &[&str] = &[
    "Cấp nhầm giấy báo tử",
    "Cấp trùng giấy báo tử",
    "Nhầm người bệnh khi lập giấy báo tử",
];
