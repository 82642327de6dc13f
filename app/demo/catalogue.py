"""The demo commune's procedure catalogue: the commune-level procedures a
commune of Hải Dương listed in 2023, by field (lĩnh vực), with the military
and police ones its one-stop counter also receives. Report 52/BC-UBND counts
167 under the commune (17 inter-agency), 14 military and 12 police, and 141
QR codes over 34 fields; the names follow the national catalogue's wording,
the codes and addresses are the demo's own."""

from __future__ import annotations

from typing import NamedTuple

# Where the demo's QR codes point (a made-up address, not the national portal).
ONLINE = "https://dichvucong.example/thu-tuc/"


class Listing(NamedTuple):
    code: str
    name: str
    field: str
    authority: str
    inter_agency: bool
    working_days: int
    fee: int
    online_address: str


# Per field: its code prefix, authority and procedures (name, working days,
# fee in đồng, marks): "L" inter-agency (liên thông), "-" no online service
# (so no QR code at the counter).
FIELDS: tuple[tuple[str, str, str, tuple[tuple[str, int, int, str], ...]], ...] = (
    ("HT", "Hộ tịch", "xa", (
        ("Đăng ký khai sinh", 0, 0, ""),
        ("Đăng ký khai sinh cho trẻ em bị bỏ rơi", 5, 0, ""),
        ("Đăng ký khai sinh cho trẻ em chưa xác định được cha, mẹ", 3, 0, ""),
        ("Đăng ký khai sinh cho trẻ em sinh ra do mang thai hộ", 3, 0, ""),
        ("Đăng ký kết hôn", 3, 0, ""),
        ("Đăng ký nhận cha, mẹ, con", 3, 0, ""),
        ("Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con", 3, 0, ""),
        ("Đăng ký khai tử", 0, 0, ""),
        ("Đăng ký khai sinh lưu động", 5, 0, ""),
        ("Đăng ký kết hôn lưu động", 5, 0, ""),
        ("Đăng ký khai tử lưu động", 5, 0, ""),
        ("Đăng ký giám hộ", 3, 0, ""),
        ("Đăng ký chấm dứt giám hộ", 2, 0, ""),
        ("Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", 3, 15000, ""),
        ("Đăng ký lại khai sinh", 5, 0, ""),
        ("Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", 5, 0, ""),
        ("Đăng ký lại kết hôn", 5, 0, ""),
        ("Đăng ký lại khai tử", 5, 0, ""),
        ("Cấp Giấy xác nhận tình trạng hôn nhân", 3, 3000, ""),
        ("Cấp bản sao Trích lục khai sinh", 0, 8000, ""),
        ("Cấp bản sao Trích lục kết hôn", 0, 8000, ""),
        ("Cấp bản sao Trích lục khai tử", 0, 8000, ""),
        ("Xác nhận thông tin hộ tịch", 3, 0, ""),
        ("Liên thông các thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, "
         "cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", 5, 0, "L"),
        ("Liên thông các thủ tục hành chính về đăng ký khai sinh, cấp thẻ bảo hiểm y tế "
         "cho trẻ em dưới 6 tuổi", 5, 0, "L"),
        ("Liên thông các thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú", 5, 0,
         "L"),
        ("Liên thông các thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, "
         "hưởng chế độ tử tuất, trợ cấp mai táng phí", 5, 0, "L"),
        ("Liên thông các thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú", 5,
         0, "L"),
        ("Liên thông các thủ tục hành chính về đăng ký khai tử, hưởng chế độ tử tuất, "
         "trợ cấp mai táng phí", 5, 0, "L"),
    )),
    ("CT", "Chứng thực", "xa", (
        ("Cấp bản sao từ sổ gốc", 0, 8000, ""),
        ("Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền "
         "của Việt Nam cấp hoặc chứng nhận", 0, 2000, ""),
        ("Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực "
         "điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ "
         "được)", 0, 10000, ""),
        ("Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", 2, 50000, ""),
        ("Chứng thực hợp đồng, giao dịch liên quan đến thực hiện các quyền của người sử "
         "dụng đất", 2, 50000, ""),
        ("Chứng thực hợp đồng, giao dịch về nhà ở", 2, 50000, ""),
        ("Chứng thực di chúc", 2, 50000, ""),
        ("Chứng thực văn bản từ chối nhận di sản", 2, 50000, ""),
        ("Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản", 2, 50000,
         ""),
        ("Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là quyền sử dụng đất", 2,
         50000, ""),
        ("Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là nhà ở", 2, 50000, ""),
        ("Chứng thực văn bản khai nhận di sản mà di sản là động sản", 2, 50000, ""),
        ("Chứng thực văn bản khai nhận di sản mà di sản là quyền sử dụng đất", 2, 50000, ""),
        ("Chứng thực văn bản khai nhận di sản mà di sản là nhà ở", 2, 50000, ""),
        ("Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", 2, 30000, ""),
        ("Sửa lỗi sai sót trong hợp đồng, giao dịch", 2, 25000, ""),
        ("Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", 0,
         2000, ""),
    )),
    ("NCN", "Nuôi con nuôi", "xa", (
        ("Đăng ký việc nuôi con nuôi trong nước", 20, 400000, ""),
        ("Đăng ký lại việc nuôi con nuôi trong nước", 5, 0, ""),
    )),
    ("BTNN", "Bồi thường nhà nước", "xa", (
        ("Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành công vụ "
         "gây thiệt hại", 30, 0, "-"),
        ("Phục hồi danh dự", 15, 0, "-"),
    )),
    ("HGCS", "Hòa giải cơ sở", "xa", (
        ("Thủ tục bầu hòa giải viên", 5, 0, "-"),
        ("Thủ tục bầu tổ trưởng tổ hòa giải", 5, 0, "-"),
        ("Thủ tục công nhận hòa giải viên", 5, 0, "-"),
        ("Thủ tục công nhận tổ trưởng tổ hòa giải", 5, 0, "-"),
        ("Thủ tục thôi làm hòa giải viên", 5, 0, "-"),
        ("Thủ tục thanh toán thù lao cho hòa giải viên", 5, 0, "-"),
        ("Thủ tục thực hiện hỗ trợ khi hòa giải viên gặp tai nạn hoặc rủi ro ảnh hưởng đến "
         "sức khỏe, tính mạng trong khi thực hiện hoạt động hòa giải", 5, 0, "-"),
    )),
    ("PBPL", "Phổ biến, giáo dục pháp luật", "xa", (
        ("Công nhận tuyên truyền viên pháp luật", 5, 0, "-"),
        ("Cho thôi làm tuyên truyền viên pháp luật", 5, 0, "-"),
    )),
    ("DD", "Đất đai", "xa", (
        ("Hòa giải tranh chấp đất đai", 30, 0, "-"),
        ("Xác nhận tiếp tục sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết thời "
         "hạn sử dụng đất", 10, 0, ""),
        ("Đăng ký đất đai, tài sản gắn liền với đất lần đầu (nộp hồ sơ tại Ủy ban nhân dân "
         "cấp xã)", 20, 0, "L"),
        ("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất (nộp "
         "hồ sơ tại Ủy ban nhân dân cấp xã)", 10, 0, "L"),
    )),
    ("MT", "Môi trường", "xa", (
        ("Tham vấn trong đánh giá tác động môi trường", 10, 0, "-"),
        ("Đăng ký môi trường (cấp xã)", 5, 0, ""),
    )),
    ("TNN", "Tài nguyên nước", "xa", (
        ("Lấy ý kiến cộng đồng dân cư đối với dự án có khai thác, sử dụng tài nguyên nước, "
         "xả nước thải vào nguồn nước", 10, 0, "-"),
    )),
    ("BTXH", "Bảo trợ xã hội", "xa", (
        ("Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", 20, 0, ""),
        ("Đổi, cấp lại Giấy xác nhận khuyết tật", 5, 0, ""),
        ("Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng có hoàn cảnh "
         "khó khăn", 5, 0, ""),
        ("Đăng ký nhận chăm sóc, nuôi dưỡng đối tượng cần bảo vệ khẩn cấp", 5, 0, ""),
        ("Hỗ trợ kinh phí nhận chăm sóc, nuôi dưỡng đối tượng cần bảo vệ khẩn cấp", 5, 0, ""),
        ("Tiếp nhận đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội", 3, 0, ""),
        ("Xét, công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", 10, 0, ""),
        ("Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", 10, 0, ""),
        ("Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống "
         "trung bình", 10, 0, ""),
        ("Chi trả trợ cấp xã hội hàng tháng khi đối tượng thay đổi nơi cư trú trong cùng "
         "địa bàn quận, huyện, thị xã", 5, 0, ""),
        ("Hỗ trợ tiền điện cho hộ nghèo, hộ chính sách xã hội", 5, 0, ""),
        ("Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí điều trị người bị thương nặng ngoài "
         "nơi cư trú mà không có người thân thích chăm sóc", 2, 0, ""),
        ("Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí mai táng", 2, 0, ""),
        ("Trợ giúp xã hội khẩn cấp về hỗ trợ lương thực", 2, 0, ""),
        ("Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm "
         "sóc, nuôi dưỡng hàng tháng", 15, 0, "L"),
        ("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 5, 0, "L"),
        ("Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở", 10, 0, "L"),
        ("Quyết định trợ cấp xã hội hàng tháng khi đối tượng thay đổi nơi cư trú giữa các "
         "quận, huyện, thị xã, thành phố thuộc tỉnh và trong và ngoài tỉnh, thành phố", 15, 0,
         "L"),
    )),
    ("NCC", "Người có công", "xa", (
        ("Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 12, 0, "L"),
        ("Giải quyết chế độ mai táng phí đối với cựu chiến binh", 12, 0, "L"),
        ("Hưởng lại chế độ ưu đãi", 12, 0, "L"),
        ("Giải quyết chế độ trợ cấp một lần đối với thân nhân người hoạt động kháng chiến "
         "được tặng huân chương, huy chương chết trước ngày 01/01/1995", 12, 0, "L"),
        ("Xác nhận vào đơn đề nghị di chuyển hài cốt liệt sĩ", 5, 0, ""),
        ("Xác nhận vào đơn đề nghị thăm viếng mộ liệt sĩ", 5, 0, ""),
        ("Cấp giấy xác nhận thân nhân của người có công", 5, 0, ""),
        ("Ủy quyền hưởng trợ cấp, phụ cấp ưu đãi", 5, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với trường hợp tặng hoặc truy tặng danh hiệu vinh dự "
         "nhà nước \"Bà mẹ Việt Nam anh hùng\"", 10, 0, ""),
        ("Giải quyết chế độ điều dưỡng phục hồi sức khỏe đối với người có công", 5, 0, ""),
        ("Cấp phương tiện trợ giúp, dụng cụ chỉnh hình đối với người có công", 5, 0, ""),
        ("Hỗ trợ người có công với cách mạng cải thiện nhà ở", 10, 0, ""),
        ("Mua bảo hiểm y tế đối với người có công và thân nhân", 5, 0, ""),
        ("Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công", 5, 0, ""),
        ("Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú", 5, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với người hoạt động kháng chiến bị nhiễm chất độc "
         "hóa học", 10, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với con đẻ của người hoạt động kháng chiến bị nhiễm "
         "chất độc hóa học", 10, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với người có công giúp đỡ cách mạng", 10, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với người hoạt động cách mạng, kháng chiến, bảo vệ "
         "Tổ quốc, làm nghĩa vụ quốc tế bị địch bắt tù, đày", 10, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với người hoạt động kháng chiến giải phóng dân tộc, "
         "bảo vệ Tổ quốc và làm nghĩa vụ quốc tế", 10, 0, ""),
        ("Giải quyết chế độ trợ cấp một lần đối với người được cử làm chuyên gia sang giúp "
         "Lào, Campuchia", 10, 0, ""),
        ("Giải quyết chế độ đối với thanh niên xung phong đã hoàn thành nhiệm vụ trong "
         "kháng chiến", 10, 0, ""),
        ("Giải quyết chế độ ưu đãi đối với Anh hùng Lực lượng vũ trang nhân dân, Anh hùng "
         "Lao động trong thời kỳ kháng chiến", 10, 0, ""),
        ("Giải quyết trợ cấp tuất hằng tháng, trợ cấp mai táng khi người có công với cách "
         "mạng từ trần", 12, 0, "L"),
    )),
    ("TE", "Trẻ em", "xa", (
        ("Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi "
         "trường hoặc người gây tổn hại cho trẻ em", 1, 0, "-"),
        ("Chấm dứt việc chăm sóc thay thế cho trẻ em", 5, 0, ""),
        ("Phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em bị xâm hại hoặc có nguy cơ bị "
         "bạo lực, bóc lột, bỏ rơi và trẻ em có hoàn cảnh đặc biệt", 10, 0, "-"),
        ("Đăng ký nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia "
         "đình nhận chăm sóc thay thế không phải là người thân thích của trẻ em", 15, 0, ""),
        ("Thông báo nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia "
         "đình nhận chăm sóc thay thế là người thân thích của trẻ em", 3, 0, ""),
        ("Chuyển trẻ em đang được chăm sóc thay thế tại cơ sở trợ giúp xã hội đến cá nhân, "
         "gia đình nhận chăm sóc thay thế", 15, 0, ""),
    )),
    ("TNXH", "Phòng, chống tệ nạn xã hội", "xa", (
        ("Đăng ký cai nghiện ma túy tự nguyện", 5, 0, ""),
        ("Hỗ trợ học văn hóa, học nghề, trợ cấp khó khăn ban đầu cho nạn nhân bị mua bán",
         10, 0, ""),
        ("Xác định nạn nhân bị mua bán", 3, 0, "-"),
    )),
    ("GD", "Giáo dục và Đào tạo", "xa", (
        ("Thành lập nhóm trẻ, lớp mẫu giáo độc lập", 20, 0, "-"),
        ("Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục", 20, 0, "-"),
        ("Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục trở lại", 20, 0, "-"),
        ("Sáp nhập, chia, tách nhóm trẻ, lớp mẫu giáo độc lập", 20, 0, "-"),
        ("Giải thể nhóm trẻ, lớp mẫu giáo độc lập", 15, 0, "-"),
    )),
    ("VH", "Văn hóa", "xa", (
        ("Xét tặng danh hiệu Gia đình văn hóa hằng năm", 5, 0, ""),
        ("Xét tặng Giấy khen Gia đình văn hóa", 5, 0, ""),
        ("Thông báo tổ chức lễ hội cấp xã", 5, 0, ""),
        ("Đăng ký tổ chức lễ hội cấp xã", 5, 0, ""),
    )),
    ("TDTT", "Thể dục thể thao", "xa", (
        ("Công nhận câu lạc bộ thể thao cơ sở", 7, 0, ""),
    )),
    ("TV", "Thư viện", "xa", (
        ("Thông báo thành lập thư viện đối với thư viện cộng đồng", 5, 0, ""),
        ("Thông báo sáp nhập, hợp nhất, chia, tách thư viện đối với thư viện cộng đồng", 5, 0,
         ""),
        ("Thông báo chấm dứt hoạt động thư viện cộng đồng", 5, 0, ""),
    )),
    ("TDKT", "Thi đua, khen thưởng", "xa", (
        ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thực hiện nhiệm vụ chính trị",
         20, 0, "-"),
        ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về khen thưởng đột xuất", 5, 0,
         "-"),
        ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về khen thưởng theo đợt hoặc "
         "chuyên đề", 20, 0, "-"),
        ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình", 20, 0, "-"),
        ("Xét tặng danh hiệu Lao động tiên tiến", 20, 0, "-"),
        ("Xét tặng danh hiệu Tập thể Lao động tiên tiến", 20, 0, "-"),
    )),
    ("TG", "Tín ngưỡng, tôn giáo", "xa", (
        ("Thủ tục đăng ký hoạt động tín ngưỡng", 15, 0, ""),
        ("Thủ tục đăng ký bổ sung hoạt động tín ngưỡng", 15, 0, ""),
        ("Thủ tục đăng ký sinh hoạt tôn giáo tập trung", 20, 0, ""),
        ("Thủ tục thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động "
         "tôn giáo ở một xã", 5, 0, ""),
        ("Thủ tục thông báo danh mục hoạt động tôn giáo bổ sung đối với tổ chức có địa bàn "
         "hoạt động tôn giáo ở một xã", 5, 0, ""),
        ("Thủ tục thông báo tổ chức quyên góp trong địa bàn một xã của cơ sở tín ngưỡng, tổ "
         "chức tôn giáo, tổ chức tôn giáo trực thuộc", 5, 0, ""),
        ("Thủ tục đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung trong địa bàn một "
         "xã", 15, 0, ""),
        ("Thủ tục đề nghị thay đổi người đại diện của nhóm sinh hoạt tôn giáo tập trung", 15,
         0, ""),
        ("Thủ tục thông báo về việc thay đổi địa điểm sinh hoạt tôn giáo tập trung đến địa "
         "bàn xã khác", 5, 0, ""),
    )),
    ("TCD", "Tiếp công dân", "xa", (
        ("Thủ tục tiếp công dân tại cấp xã", 0, 0, "-"),
    )),
    ("KN", "Giải quyết khiếu nại", "xa", (
        ("Thủ tục giải quyết khiếu nại lần đầu tại cấp xã", 30, 0, "-"),
    )),
    ("TC", "Giải quyết tố cáo", "xa", (
        ("Thủ tục giải quyết tố cáo tại cấp xã", 30, 0, "-"),
    )),
    ("XLD", "Xử lý đơn thư", "xa", (
        ("Thủ tục xử lý đơn tại cấp xã", 10, 0, "-"),
    )),
    ("PCTN", "Phòng, chống tham nhũng", "xa", (
        ("Thủ tục kê khai tài sản, thu nhập", 10, 0, "-"),
        ("Thủ tục công khai bản kê khai tài sản, thu nhập", 10, 0, "-"),
        ("Thủ tục xác minh tài sản, thu nhập", 30, 0, "-"),
        ("Thủ tục tiếp nhận yêu cầu giải trình", 5, 0, "-"),
        ("Thủ tục thực hiện việc giải trình", 15, 0, "-"),
    )),
    ("TL", "Thủy lợi", "xa", (
        ("Phê duyệt phương án ứng phó thiên tai cho công trình, vùng hạ du đập trong quá "
         "trình thi công thuộc thẩm quyền của Ủy ban nhân dân cấp xã", 10, 0, "-"),
        ("Phê duyệt phương án ứng phó với tình huống khẩn cấp thuộc thẩm quyền của Ủy ban "
         "nhân dân cấp xã", 10, 0, "-"),
        ("Thẩm định, phê duyệt đề cương, kết quả kiểm định an toàn đập, hồ chứa thủy lợi "
         "thuộc thẩm quyền của Ủy ban nhân dân cấp xã", 15, 0, "-"),
        ("Phê duyệt, điều chỉnh quy trình vận hành đập, hồ chứa thủy lợi thuộc thẩm quyền "
         "của Ủy ban nhân dân cấp xã", 15, 0, "-"),
        ("Phê duyệt phương án bảo vệ đập, hồ chứa thủy lợi thuộc thẩm quyền của Ủy ban nhân "
         "dân cấp xã", 15, 0, "-"),
    )),
    ("PCTT", "Phòng, chống thiên tai", "xa", (
        ("Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", 10, 0, "-"),
        ("Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do dịch bệnh", 10, 0, "-"),
        ("Đăng ký kê khai số lượng chăn nuôi tập trung và nuôi trồng thủy sản ban đầu", 5, 0,
         ""),
    )),
    ("KTHT", "Kinh tế hợp tác và phát triển nông thôn", "xa", (
        ("Thông báo thành lập tổ hợp tác", 3, 0, ""),
        ("Thông báo thay đổi tổ hợp tác", 3, 0, ""),
        ("Thông báo chấm dứt hoạt động tổ hợp tác", 3, 0, ""),
    )),
    ("TT", "Trồng trọt", "xa", (
        ("Đăng ký chuyển đổi cơ cấu cây trồng trên đất trồng lúa", 5, 0, ""),
    )),
    ("CN", "Chăn nuôi", "xa", (
        ("Kê khai hoạt động chăn nuôi", 3, 0, ""),
    )),
    ("NVQS", "Nghĩa vụ quân sự", "quan_su", (
        ("Đăng ký nghĩa vụ quân sự lần đầu", 1, 0, ""),
        ("Đăng ký nghĩa vụ quân sự bổ sung", 1, 0, ""),
        ("Đăng ký nghĩa vụ quân sự chuyển đi khi thay đổi nơi cư trú hoặc nơi làm việc, học "
         "tập", 1, 0, ""),
        ("Đăng ký nghĩa vụ quân sự chuyển đến khi thay đổi nơi cư trú hoặc nơi làm việc, học "
         "tập", 1, 0, ""),
        ("Đăng ký nghĩa vụ quân sự tạm vắng", 1, 0, ""),
        ("Đăng ký miễn gọi nhập ngũ thời chiến", 1, 0, ""),
        ("Đăng ký phục vụ trong ngạch dự bị", 1, 0, ""),
    )),
    ("DQTV", "Dân quân tự vệ", "quan_su", (
        ("Thực hiện chế độ, chính sách đối với dân quân bị ốm, bị tai nạn, bị chết khi làm "
         "nhiệm vụ", 10, 0, "-"),
        ("Thực hiện chế độ trợ cấp một lần đối với dân quân thôi thực hiện nghĩa vụ", 10, 0,
         "-"),
        ("Tạm hoãn, miễn thực hiện nghĩa vụ tham gia dân quân tự vệ", 5, 0, "-"),
    )),
    ("CSQS", "Chính sách quân đội", "quan_su", (
        ("Xác nhận hồ sơ hưởng chế độ trợ cấp một lần đối với quân nhân đã phục viên, xuất "
         "ngũ, thôi việc theo Quyết định số 62/2011/QĐ-TTg", 5, 0, "-"),
        ("Xác nhận hồ sơ hưởng chế độ đối với người tham gia dân công hỏa tuyến theo Quyết "
         "định số 49/2015/QĐ-TTg", 5, 0, "-"),
        ("Xác nhận hồ sơ hưởng chế độ theo Quyết định số 290/2005/QĐ-TTg", 5, 0, "-"),
        ("Hỗ trợ gia đình hạ sĩ quan, binh sĩ tại ngũ có hoàn cảnh khó khăn", 5, 0, "-"),
    )),
    ("CA", "Đăng ký, quản lý cư trú", "cong_an", (
        ("Đăng ký thường trú", 7, 20000, ""),
        ("Xóa đăng ký thường trú", 1, 0, ""),
        ("Tách hộ", 3, 10000, ""),
        ("Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú", 3, 0, ""),
        ("Đăng ký tạm trú", 3, 15000, ""),
        ("Gia hạn tạm trú", 3, 7000, ""),
        ("Xóa đăng ký tạm trú", 1, 0, ""),
        ("Khai báo tạm vắng", 1, 0, ""),
        ("Thông báo lưu trú", 0, 0, ""),
        ("Khai báo thông tin về cư trú đối với người chưa đủ điều kiện đăng ký thường trú, "
         "đăng ký tạm trú", 3, 0, ""),
        ("Xác nhận thông tin về cư trú", 1, 0, ""),
    )),
    ("VK", "Quản lý vũ khí, vật liệu nổ và công cụ hỗ trợ", "cong_an", (
        ("Khai báo vũ khí thô sơ", 2, 0, "-"),
    )),
)


def listings() -> list[Listing]:
    """Every procedure of the catalogue, coded PREFIX.NN within its field."""
    out = []
    for prefix, field, authority, procedures in FIELDS:
        for n, (name, days, fee, marks) in enumerate(procedures, start=1):
            code = f"{prefix}.{n:02d}"
            out.append(Listing(code, name, field, authority, "L" in marks, days, fee,
                               "" if "-" in marks else ONLINE + code.lower()))
    return out
