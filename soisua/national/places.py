"""Names of the generated units: the provinces after the July 2025 reform, invented communes, the cells every
commune has."""

# (name, is a centrally governed city)
PROVINCES = [
    ("Hà Nội", True), ("Huế", True), ("Lai Châu", False), ("Điện Biên", False), ("Sơn La", False),
    ("Lạng Sơn", False), ("Quảng Ninh", False), ("Thanh Hóa", False), ("Nghệ An", False), ("Hà Tĩnh", False),
    ("Cao Bằng", False), ("Tuyên Quang", False), ("Lào Cai", False), ("Thái Nguyên", False), ("Phú Thọ", False),
    ("Bắc Ninh", False), ("Hưng Yên", False), ("Hải Phòng", True), ("Ninh Bình", False), ("Quảng Trị", False),
    ("Đà Nẵng", True), ("Quảng Ngãi", False), ("Gia Lai", False), ("Khánh Hòa", False), ("Lâm Đồng", False),
    ("Đắk Lắk", False), ("Hồ Chí Minh", True), ("Đồng Nai", False), ("Tây Ninh", False), ("Cần Thơ", True),
    ("Vĩnh Long", False), ("Đồng Tháp", False), ("Cà Mau", False), ("An Giang", False),
]
PLACE_FIRST = ["An", "Bình", "Đông", "Hòa", "Hưng", "Long", "Mỹ", "Nam", "Phú", "Phước", "Quảng", "Tân",
               "Thạnh", "Thuận", "Vĩnh", "Xuân", "Đức", "Thanh", "Trung", "Hồng"]
PLACE_SECOND = ["An", "Bình", "Điền", "Hải", "Hòa", "Hưng", "Lâm", "Lộc", "Lợi", "Mỹ", "Phong", "Phú", "Sơn",
                "Thành", "Thịnh", "Tiến", "Trung", "Yên", "Khánh", "Đông"]
# Cells every commune has before its villages and quarters.
INSTITUTION_CELLS = ["Cơ quan Đảng", "Cơ quan Chính quyền", "Công an", "Quân sự", "Trạm Y tế",
                     "Trường Tiểu học", "Trường Trung học cơ sở", "Trường Mầm non", "Hưu trí"]
