"""Demo petitions and reception for the demo units of `dancoso.portal.demo` (seed_demo).

Every person named here — petitioners, visitors, group representatives, and the denouncer whose identity is
kept encrypted — is made up, as are phone numbers, house numbers, decision and letter numbers. Places are the
demo units (Hải Phòng: phường Phù Liễn, phường Hải Dương, xã An Khánh and its 19 villages; Ninh Bình: the
provincial people's committee office). The subjects are the ones a commune or ward really receives: land,
site clearance, pollution and waste, pavements taken over by shops, roads, street lights and drains, social
support, policies for people with meritorious service, and officials' conduct.

Dates are counted back from today (`timezone.localdate()`), so the demo always shows petitions received over
the last months in every state: some within their deadline, some overdue, some resolved late. Deadlines come
from `legal.py` and `core.calendar` through the services: nothing here computes a legal period itself.

Every write goes through `dancoso.petitions.services` (and `dancoso.petitions.reception` for the reception
book). Running `seed_petitions` twice creates nothing the second time: a unit that already has petitions
(or reception sessions) is left as it is.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from dancoso.core import calendar
from dancoso.petitions import services
from dancoso.petitions.models import (
    Channel,
    Complexity,
    Kind,
    Petition,
    ReceptionSchedule,
    ReceptionSession,
    Sector,
)
from dancoso.units.models import Unit, UnitKind

# ---------------------------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Classify:
    eligible: bool = True
    competent: bool = True
    originals: bool | None = True
    complexity: str | None = None
    several_sites: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class Accept:
    after: int = 3  # working days after receipt
    note: str = ""


@dataclass(frozen=True)
class Verify:
    note: str = "Giao công chức chuyên môn xác minh, làm việc với các bên liên quan."


@dataclass(frozen=True)
class Extend:
    reason: str
    complexity: str = Complexity.COMPLEX
    decision: str = ""


@dataclass(frozen=True)
class Resolve:
    outcome: str
    decision: str = ""
    after: int | None = 20  # calendar days after acceptance
    late_by: int | None = None  # calendar days after the resolution deadline (overrides `after`)


@dataclass(frozen=True)
class Close:
    note: str = "Đã gửi văn bản trả lời cho công dân; lưu hồ sơ."


@dataclass(frozen=True)
class Transfer:
    to: str
    letter: str
    after: int = 3  # working days after receipt (5 is the limit)
    note: str = ""


@dataclass(frozen=True)
class Guide:
    to: str
    guidance: str


@dataclass(frozen=True)
class NotProcess:
    reason: str


@dataclass(frozen=True)
class Withdraw:
    reason: str
    after: int = 10  # calendar days after acceptance (or receipt)


@dataclass(frozen=True)
class Assign:
    username: str


@dataclass(frozen=True)
class LinkTo:
    key: str
    note: str = "Cùng người gửi, cùng nội dung với đơn đang giải quyết."


@dataclass(frozen=True)
class Part:
    kind: str
    sector: str
    title: str
    content: str
    steps: tuple = ()


@dataclass(frozen=True)
class Split:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Appeal:
    """A second complaint against the first decision, brought `after` days later to `unit`."""

    unit: str
    content: str
    after: int = 12
    steps: tuple = ()


@dataclass(frozen=True)
class Story:
    unit: str  # unit code
    kind: str
    channel: str
    sector: str  # Sector.code
    title: str
    content: str
    received_ago: int  # calendar days before today
    petitioner: tuple[str, str, str] | None = None  # name, address, phone
    steps: tuple = ()
    key: str = ""
    anonymous: bool = False
    signers: int = 1
    location: str = ""
    transferred_from: str = ""


# ------------------------------------------------------------------------------------- petition stories

# Who does the staff steps in each unit (demo logins of portal.demo; None where the unit has no login).
OFFICERS = {
    "31-AK": ("canbo.ankhanh", "chutich.ankhanh"),
    "31-PL": ("canbo.phulien", "chutich.phulien"),
    "31-HD": (None, None),
    "31": ("tp.haiphong", "tp.haiphong"),
    "37-VPUBND": ("vanphong.ninhbinh", "vanphong.ninhbinh"),
}

AK = "Xã An Khánh, thành phố Hải Phòng"
PL = "Phường Phù Liễn, thành phố Hải Phòng"
HD = "Phường Hải Dương, thành phố Hải Phòng"

STORIES: tuple[Story, ...] = (
    # ------------------------------------------------------------------ Xã An Khánh (31-AK)
    Story(
        "31-AK",
        Kind.REPORT,
        Channel.WEB,
        "moi-truong",
        "Rác thải tồn đọng nhiều ngày tại điểm tập kết đầu thôn Mỹ Đức",
        "Điểm tập kết rác đầu thôn Mỹ Đức đã 5 ngày không được thu gom, rác tràn ra đường, bốc mùi hôi, "
        "ảnh hưởng đến sinh hoạt của các hộ xung quanh và học sinh đi qua. Đề nghị xã yêu cầu đơn vị thu "
        "gom xử lý ngay và bố trí lịch thu gom cố định.",
        received_ago=1,
        petitioner=("Lương Thị Bích", f"Thôn Mỹ Đức, {AK}", "0912 406 318"),
        location="Đầu thôn Mỹ Đức, cạnh nhà văn hóa thôn",
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.PAPER,
        "ha-tang",
        "Đề nghị sửa chữa đường trục thôn Thái Sơn bị sụt lún, ổ gà",
        "Đoạn đường trục thôn Thái Sơn dài khoảng 300 m từ cầu Đen đến trường mầm non bị sụt lún, nhiều ổ "
        "gà, trời mưa đọng nước, đã có người đi xe máy bị ngã. Đề nghị UBND xã khảo sát, bố trí kinh phí "
        "sửa chữa trước mùa mưa bão.",
        received_ago=45,
        petitioner=("Phan Văn Toản", f"Thôn Thái Sơn, {AK}", "0983 215 447"),
        location="Đường trục thôn Thái Sơn",
    ),
    Story(
        "31-AK",
        Kind.REPORT,
        Channel.HOTLINE,
        "trat-tu-do-thi",
        "Đổ trộm phế thải xây dựng ven đường liên xã",
        "Người dân phản ánh qua đường dây nóng: ban đêm có xe tải đổ trộm phế thải xây dựng ven đường liên "
        "xã đoạn qua cánh đồng thôn Tây Hải, lấn cả lòng đường.",
        received_ago=4,
        petitioner=("Vương Văn Lực", f"Thôn Tây Hải, {AK}", "0904 337 912"),
        location="Đường liên xã, đoạn qua cánh đồng thôn Tây Hải",
        steps=(Classify(),),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.PAPER,
        "dat-dai",
        "Khiếu nại việc cấp Giấy chứng nhận quyền sử dụng đất cho hộ liền kề lấn sang thửa đất của gia đình",
        "Gia đình tôi sử dụng ổn định thửa đất số 215, tờ bản đồ số 8 từ năm 1992. Năm nay hộ liền kề được "
        "cấp Giấy chứng nhận có ranh giới lấn sang đất nhà tôi khoảng 12 m². Tôi khiếu nại việc xác nhận "
        "hồ sơ của UBND xã và đề nghị kiểm tra, đo đạc lại.",
        received_ago=40,
        petitioner=("Mạc Văn Đông", f"Thôn Kinh Điền, {AK}", "0936 582 104"),
        steps=(Classify(),),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.IN_PERSON,
        "an-sinh-xa-hoi",
        "Đề nghị xem xét đưa gia đình vào diện hộ cận nghèo",
        "Chồng tôi bị tai nạn lao động mất khả năng lao động từ đầu năm, gia đình có hai con nhỏ đang đi học, "
        "thu nhập không ổn định. Đề nghị xã rà soát, xem xét công nhận hộ cận nghèo để được hỗ trợ bảo hiểm "
        "y tế và học phí cho các cháu.",
        received_ago=12,
        petitioner=("Tạ Thị Hòa", f"Thôn Phương Lung, {AK}", "0978 140 265"),
        steps=(Classify(), Accept(after=2), Assign("canbo.ankhanh")),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.PAPER,
        "ha-tang",
        "Đèn chiếu sáng đường trục xã đoạn qua thôn Tiên Hội không hoạt động",
        "Khoảng 15 cột đèn chiếu sáng đoạn đường trục xã qua thôn Tiên Hội không sáng đã hơn một tháng, "
        "buổi tối rất tối, tiềm ẩn nguy cơ tai nạn và mất an ninh trật tự. Đề nghị xã sửa chữa.",
        received_ago=80,
        petitioner=("Kiều Văn Thạch", f"Thôn Tiên Hội, {AK}", "0947 622 830"),
        location="Đường trục xã, đoạn qua thôn Tiên Hội",
        steps=(Classify(), Accept(after=4), Assign("canbo.ankhanh")),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.PAPER,
        "dat-dai",
        "Khiếu nại Quyết định xử phạt vi phạm hành chính về xây dựng công trình trên đất nông nghiệp",
        "Tôi khiếu nại Quyết định xử phạt vi phạm hành chính của Chủ tịch UBND xã đối với việc dựng lán "
        "trông coi ao cá trên đất nông nghiệp, vì lán chỉ là công trình tạm phục vụ sản xuất.",
        received_ago=90,
        petitioner=("Hà Văn Kiên", f"Thôn Đồng Cống, {AK}", "0865 301 772"),
        steps=(Classify(), Accept(after=5), Verify()),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.IN_PERSON,
        "giai-phong-mat-bang",
        "Khiếu nại về diện tích đất được bồi thường khi thu hồi đất làm đường vành đai",
        "Gia đình tôi bị thu hồi 420 m² đất nông nghiệp để làm đường vành đai, nhưng phương án bồi thường "
        "chỉ tính 385 m². Đề nghị kiểm tra lại số liệu đo đạc và bồi thường đủ diện tích bị thu hồi.",
        received_ago=30,
        petitioner=("Trương Văn Bảo", f"Thôn Trà Phương, {AK}", "0915 774 203"),
        steps=(
            Classify(),
            Accept(after=5),
            Verify(),
            Extend(
                "Phải đo đạc lại hiện trạng với đơn vị tư vấn và đối chiếu hồ sơ địa chính qua nhiều thời kỳ.",
                complexity=Complexity.COMPLEX,
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.PAPER,
        "giai-phong-mat-bang",
        "Khiếu nại mức hỗ trợ chuyển đổi nghề khi thu hồi đất nông nghiệp thực hiện dự án cụm công nghiệp",
        "Gia đình tôi bị thu hồi toàn bộ 1.080 m² đất nông nghiệp để thực hiện dự án cụm công nghiệp An "
        "Khánh. Mức hỗ trợ chuyển đổi nghề và tìm kiếm việc làm trong phương án thấp hơn quy định. Đề nghị "
        "tính lại theo đơn giá mới.",
        received_ago=85,
        key="ak-first-instance",
        petitioner=("Lại Văn Thành", f"Thôn Ninh Duy, {AK}", "0988 460 517"),
        steps=(
            Classify(),
            Accept(after=5),
            Verify(),
            Resolve(
                "Giữ nguyên phương án hỗ trợ đã phê duyệt; mức hỗ trợ áp dụng đúng quy định của thành phố tại "
                "thời điểm thu hồi đất.",
                decision="215/QĐ-UBND",
                after=25,
            ),
            Appeal(
                "31",
                "Tôi không đồng ý với Quyết định giải quyết khiếu nại lần đầu số 215/QĐ-UBND của Chủ tịch "
                "UBND xã An Khánh, đề nghị Chủ tịch UBND thành phố giải quyết khiếu nại lần hai.",
                after=12,
                steps=(Classify(), Accept(after=6), Verify()),
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.MIXED,
        Channel.PAPER,
        "dat-dai",
        "Đơn nhiều nội dung: cấp đổi Giấy chứng nhận và làm đường ngõ xóm thôn Đông Hải",
        "Thứ nhất, tôi khiếu nại việc UBND xã trả lại hồ sơ đề nghị cấp đổi Giấy chứng nhận quyền sử dụng "
        "đất mà không nêu rõ lý do. Thứ hai, kiến nghị xã hỗ trợ xi măng để các hộ góp công làm đường ngõ "
        "xóm số 4 thôn Đông Hải.",
        received_ago=20,
        petitioner=("Giáp Văn Hưng", f"Thôn Đông Hải, {AK}", "0917 238 665"),
        steps=(
            Classify(),
            Split(
                (
                    Part(
                        Kind.COMPLAINT,
                        "dat-dai",
                        "Khiếu nại việc trả lại hồ sơ cấp đổi Giấy chứng nhận không nêu lý do",
                        "UBND xã trả lại hồ sơ đề nghị cấp đổi Giấy chứng nhận quyền sử dụng đất mà không "
                        "có văn bản nêu rõ lý do.",
                        steps=(Classify(), Accept(after=3)),
                    ),
                    Part(
                        Kind.PROPOSAL,
                        "ha-tang",
                        "Kiến nghị hỗ trợ xi măng làm đường ngõ xóm số 4 thôn Đông Hải",
                        "Các hộ ngõ xóm số 4 thôn Đông Hải góp công, đề nghị xã hỗ trợ xi măng theo chương "
                        "trình Nhà nước và Nhân dân cùng làm.",
                        steps=(
                            Classify(),
                            Accept(after=2),
                            Resolve(
                                "UBND xã hỗ trợ 12 tấn xi măng theo chương trình Nhà nước và Nhân dân cùng làm; "
                                "thôn tổ chức thi công trong quý.",
                                after=5,
                            ),
                        ),
                    ),
                )
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.REPORT,
        Channel.PAPER,
        "moi-truong",
        "Trại chăn nuôi lợn của hộ gia đình gây ô nhiễm, mùi hôi, nước thải chảy ra mương",
        "Trại lợn khoảng 300 con của một hộ ở cuối thôn Phú Xuân xả nước thải chưa xử lý ra mương tưới "
        "tiêu chung, mùi hôi nồng nặc, nhất là buổi chiều tối. Đề nghị xã kiểm tra, yêu cầu làm hầm biogas "
        "và xử lý nước thải.",
        received_ago=30,
        key="ak-pig-farm",
        petitioner=("Chu Thị Nhàn", f"Thôn Phú Xuân, {AK}", "0358 902 147"),
        location="Cuối thôn Phú Xuân, cạnh mương tưới tiêu",
        steps=(Classify(), Accept(after=3), Verify("Phối hợp công chức địa chính - môi trường kiểm tra.")),
    ),
    Story(
        "31-AK",
        Kind.REPORT,
        Channel.WEB,
        "moi-truong",
        "Tiếp tục phản ánh trại lợn cuối thôn Phú Xuân gây ô nhiễm",
        "Tôi đã có đơn phản ánh về trại lợn cuối thôn Phú Xuân xả nước thải ra mương, đến nay tình trạng "
        "vẫn chưa được khắc phục, mùi hôi vẫn nặng.",
        received_ago=8,
        petitioner=("Chu Thị Nhàn", f"Thôn Phú Xuân, {AK}", "0358 902 147"),
        steps=(LinkTo("ak-pig-farm"),),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.PAPER,
        "moi-truong",
        "Khiếu nại quyết định xử phạt của Sở về khai thác cát trái phép",
        "Tôi khiếu nại Quyết định xử phạt vi phạm hành chính do Thanh tra Sở Nông nghiệp và Môi trường ban "
        "hành đối với việc tập kết cát tại bãi ven sông của gia đình.",
        received_ago=60,
        petitioner=("Ông Văn Lợi", f"Thôn An Lạc, {AK}", "0962 553 819"),
        steps=(
            Classify(competent=False),
            Transfer(
                "Sở Nông nghiệp và Môi trường thành phố Hải Phòng",
                "56/UBND-TCD",
                after=3,
                note="Quyết định bị khiếu nại do Thanh tra Sở ban hành.",
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.WEB,
        "ha-tang",
        "Đề nghị lắp đèn tín hiệu giao thông tại nút giao quốc lộ với đường trục xã",
        "Nút giao giữa quốc lộ và đường trục xã An Khánh thường xuyên xảy ra va chạm giao thông vào giờ cao "
        "điểm sáng và chiều. Đề nghị cơ quan có thẩm quyền lắp đặt đèn tín hiệu và biển cảnh báo.",
        received_ago=55,
        petitioner=("Đàm Quang Vinh", f"Thôn Tân Lập, {AK}", "0989 771 036"),
        location="Nút giao quốc lộ với đường trục xã An Khánh",
        steps=(
            Classify(competent=False),
            Transfer("Sở Xây dựng thành phố Hải Phòng", "61/UBND-TCD", after=8),
        ),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.IN_PERSON,
        "dat-dai",
        "Tranh chấp thừa kế quyền sử dụng đất giữa các anh chị em trong gia đình",
        "Sau khi bố mẹ mất không để lại di chúc, anh trai tôi tự ý xây nhà trên toàn bộ thửa đất của bố mẹ. "
        "Tôi đề nghị xã giải quyết chia thừa kế quyền sử dụng đất.",
        received_ago=25,
        petitioner=("Lục Thị Hằng", f"Thôn Cẩm Khê, {AK}", "0976 314 582"),
        steps=(
            Classify(competent=False),
            Guide(
                "Tòa án nhân dân khu vực có thẩm quyền tại Hải Phòng",
                "Đã hòa giải tại cơ sở không thành. Tranh chấp thừa kế quyền sử dụng đất thuộc thẩm quyền của "
                "Tòa án; hướng dẫn bà nộp đơn khởi kiện kèm biên bản hòa giải tại Tòa án nhân dân khu vực.",
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.PAPER,
        "chinh-sach",
        "Đơn đề nghị xem xét chế độ trợ cấp (bản photo, không ký tên)",
        "Bản photo đơn đề nghị xem xét chế độ trợ cấp, không có chữ ký, không ghi ngày; nội dung trùng đơn "
        "đã được UBND xã hướng dẫn gửi Sở Nội vụ thành phố.",
        received_ago=33,
        petitioner=("Cao Văn Lâm", f"Thôn Quý Kim, {AK}", ""),
        steps=(
            Classify(eligible=False, originals=False),
            NotProcess(
                "Đơn không có chữ ký, là bản photo; nội dung đã được hướng dẫn gửi cơ quan có thẩm quyền "
                "(TT 05/2021/TT-TTCP): lưu đơn."
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.DENUNCIATION,
        Channel.PAPER,
        "can-bo",
        "Thư không ký tên tố cáo trưởng thôn thu tiền đóng góp xây nhà văn hóa không công khai",
        "Thư không ghi tên người gửi, cho rằng trưởng thôn Hòa Bình thu tiền đóng góp xây dựng nhà văn hóa "
        "thôn nhưng không công khai thu chi.",
        received_ago=18,
        anonymous=True,
        steps=(Classify(eligible=False, originals=False),),
    ),
    Story(
        "31-AK",
        Kind.DENUNCIATION,
        Channel.PAPER,
        "can-bo",
        "Tố cáo công chức nhận tiền để làm nhanh hồ sơ cấp Giấy chứng nhận quyền sử dụng đất",
        "Người tố cáo cho biết một công chức của UBND xã đã nhận tiền của một số hộ để làm nhanh hồ sơ đề "
        "nghị cấp Giấy chứng nhận quyền sử dụng đất, kèm theo tin nhắn và giấy biên nhận làm bằng chứng.",
        received_ago=30,
        petitioner=("Trịnh Văn Khải", f"Thôn Đa Ngư, {AK}", "0914 862 375"),
        steps=(
            Classify(complexity=Complexity.VERY_COMPLEX),
            Accept(after=6),
            Verify("Tổ xác minh làm việc với các hộ có liên quan; bảo mật thông tin người tố cáo."),
            Extend(
                "Phải xác minh với nhiều hộ dân và đối chiếu hồ sơ lưu tại bộ phận một cửa.",
                complexity=Complexity.VERY_COMPLEX,
                decision="18/QĐ-UBND",
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.PAPER,
        "trat-tu-do-thi",
        "Khiếu nại việc lập biên bản vi phạm về xây dựng tường rào",
        "Tôi khiếu nại việc tổ kiểm tra trật tự xây dựng lập biên bản gia đình xây tường rào lấn hành lang "
        "đường thôn, vì tường được xây trên đúng ranh giới đất được cấp.",
        received_ago=70,
        petitioner=("Bế Văn Quyết", f"Thôn Kênh Hữu, {AK}", "0396 225 480"),
        steps=(
            Classify(),
            Accept(after=4),
            Withdraw(
                "Công dân có đơn rút khiếu nại sau khi cùng đoàn kiểm tra đo đạc lại ranh giới tại hiện trường.",
                after=12,
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.PAPER,
        "ha-tang",
        "Đề nghị nạo vét kênh tiêu thủy lợi thôn Kênh Hữu trước vụ mùa",
        "Kênh tiêu chính của thôn Kênh Hữu bị bồi lắng, bèo tây phủ kín, mưa lớn là ruộng ngập. Đề nghị xã "
        "phối hợp công ty thủy lợi nạo vét trước vụ mùa.",
        received_ago=150,
        petitioner=("Nông Văn Tài", f"Thôn Kênh Hữu, {AK}", "0868 127 309"),
        steps=(
            Classify(),
            Accept(after=3),
            Resolve(
                "UBND xã đã phối hợp Công ty khai thác công trình thủy lợi nạo vét 1,2 km kênh tiêu; thôn huy "
                "động nhân dân vớt bèo.",
                after=21,
            ),
            Close(),
        ),
    ),
    Story(
        "31-AK",
        Kind.REPORT,
        Channel.HOTLINE,
        "ha-tang",
        "Cống thoát nước thôn Đa Ngư bị tắc gây ngập úng sau mưa",
        "Cống thoát nước dưới đường thôn Đa Ngư bị tắc, mỗi trận mưa lớn nước ngập vào sân nhiều hộ.",
        received_ago=130,
        petitioner=("Âu Thị Duyên", f"Thôn Đa Ngư, {AK}", "0328 746 513"),
        location="Thôn Đa Ngư, cống qua đường thôn",
        steps=(
            Classify(),
            Accept(after=4),
            Resolve(
                "Đã thông tắc và thay 12 m cống hộp; bổ sung hố ga thu nước.",
                late_by=9,
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.WEB,
        "ha-tang",
        "Đề nghị cắt tỉa cây xanh che khuất biển báo trước cổng trường tiểu học",
        "Hàng cây trước cổng trường tiểu học An Khánh mọc rậm che khuất biển báo khu vực trường học.",
        received_ago=48,
        petitioner=("Mẫn Thị Thu", f"Thôn Tân Viên, {AK}", "0912 540 871"),
        steps=(
            Classify(),
            Accept(after=2),
            Resolve("Tổ công tác đã cắt tỉa cây xanh và lau chùi biển báo.", after=6),
            Close(),
        ),
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.TRANSFERRED_IN,
        "chinh-sach",
        "Đề nghị xem xét chế độ đối với người tham gia kháng chiến",
        "Bố tôi tham gia kháng chiến, đã nộp hồ sơ đề nghị hưởng chế độ từ năm trước nhưng chưa có kết quả. "
        "Đề nghị xã kiểm tra, hoàn thiện hồ sơ chuyển cấp có thẩm quyền.",
        received_ago=16,
        petitioner=("Hầu Văn Trọng", f"Thôn Hòa Bình, {AK}", "0347 885 126"),
        transferred_from="Ban Tiếp công dân thành phố Hải Phòng",
        steps=(Classify(), Accept(after=3)),
    ),
    Story(
        "31-AK",
        Kind.REPORT,
        Channel.TRANSFERRED_IN,
        "moi-truong",
        "Phản ánh cơ sở tái chế nhựa gây khói bụi",
        "Cơ sở tái chế nhựa tại thôn Quý Kim đốt phế liệu vào ban đêm, khói đen, mùi khét.",
        received_ago=6,
        petitioner=("Diệp Văn Hào", f"Thôn Quý Kim, {AK}", "0971 362 058"),
        transferred_from="Văn phòng Đoàn đại biểu Quốc hội và HĐND thành phố Hải Phòng",
        location="Thôn Quý Kim",
    ),
    Story(
        "31-AK",
        Kind.PROPOSAL,
        Channel.PAPER,
        "giai-phong-mat-bang",
        "Đề nghị công khai phương án bồi thường, hỗ trợ dự án cụm công nghiệp An Khánh",
        "23 hộ dân thôn Ninh Duy và thôn Phương Lung có đất bị thu hồi đề nghị UBND xã niêm yết công khai "
        "phương án bồi thường, hỗ trợ, tái định cư và tổ chức đối thoại trước khi chi trả.",
        received_ago=100,
        signers=23,
        petitioner=("Lại Văn Thành", f"Thôn Ninh Duy, {AK}", "0988 460 517"),
        steps=(
            Classify(),
            Accept(after=3),
            Resolve(
                "Đã niêm yết phương án tại nhà văn hóa hai thôn trong 20 ngày và tổ chức đối thoại với các hộ.",
                after=18,
            ),
        ),
    ),
    Story(
        "31-AK",
        Kind.COMPLAINT,
        Channel.PAPER,
        "dat-dai",
        "Khiếu nại việc không cho chuyển mục đích sử dụng đất vườn sang đất ở",
        "Tôi khiếu nại văn bản của UBND xã trả lời không đủ điều kiện chuyển mục đích 150 m² đất vườn liền "
        "kề sang đất ở.",
        received_ago=95,
        petitioner=("Lã Văn Phú", f"Thôn Tân Viên, {AK}", "0902 614 735"),
        steps=(Classify(), Accept(after=4), Assign("canbo.ankhanh")),
    ),
    # ------------------------------------------------------------------ Phường Phù Liễn (31-PL)
    Story(
        "31-PL",
        Kind.REPORT,
        Channel.OPEN311,
        "ha-tang",
        "Đèn chiếu sáng ngõ 25 tổ dân phố số 3 bị hỏng",
        "Ba bóng đèn chiếu sáng trong ngõ 25 tổ dân phố số 3 bị hỏng, ngõ tối từ chập tối.",
        received_ago=0,
        petitioner=("", "", "0936 117 240"),
        location="Ngõ 25, Tổ dân phố số 3, phường Phù Liễn",
    ),
    Story(
        "31-PL",
        Kind.REPORT,
        Channel.WEB,
        "trat-tu-do-thi",
        "Quán ăn lấn chiếm vỉa hè, người đi bộ phải đi xuống lòng đường",
        "Quán ăn đầu ngõ 40 tổ dân phố số 5 bày bàn ghế chiếm hết vỉa hè từ 17 giờ đến 23 giờ, người đi bộ "
        "phải đi xuống lòng đường, xe máy dựng tràn ra đường.",
        received_ago=40,
        petitioner=("Quách Thị Ngân", f"Tổ dân phố số 5, {PL}", "0913 208 664"),
        location="Đầu ngõ 40, Tổ dân phố số 5",
        steps=(
            Classify(),
            Accept(after=2),
            Resolve(
                "Tổ quản lý trật tự đô thị đã kiểm tra, lập biên bản, yêu cầu chủ quán thu dọn; duy trì kiểm "
                "tra buổi tối.",
                after=7,
            ),
            Close(),
        ),
    ),
    Story(
        "31-PL",
        Kind.REPORT,
        Channel.HOTLINE,
        "moi-truong",
        "Tiếng ồn hát karaoke sau 22 giờ",
        "Một hộ kinh doanh karaoke ở tổ dân phố số 7 mở loa công suất lớn đến quá nửa đêm nhiều ngày liên "
        "tiếp.",
        received_ago=75,
        petitioner=("Tăng Văn Khoa", f"Tổ dân phố số 7, {PL}", "0986 553 201"),
        steps=(
            Classify(),
            Accept(after=3),
            Resolve("Công an phường đã kiểm tra, xử phạt và yêu cầu cam kết.", late_by=6),
        ),
    ),
    Story(
        "31-PL",
        Kind.PROPOSAL,
        Channel.PAPER,
        "ha-tang",
        "Đề nghị cải tạo rãnh thoát nước ngõ 12 tổ dân phố số 2",
        "Rãnh thoát nước ngõ 12 tổ dân phố số 2 xuống cấp, nắp đan vỡ, mùi hôi, mưa to nước tràn vào nhà. "
        "Đề nghị phường cải tạo.",
        received_ago=70,
        signers=8,
        petitioner=("Lý Văn Thái", f"Tổ dân phố số 2, {PL}", "0904 781 326"),
        steps=(Classify(), Accept(after=4)),
    ),
    Story(
        "31-PL",
        Kind.COMPLAINT,
        Channel.PAPER,
        "an-sinh-xa-hoi",
        "Khiếu nại việc không được xét trợ cấp xã hội hằng tháng",
        "Tôi 82 tuổi, sống một mình, nhưng hồ sơ đề nghị trợ cấp xã hội hằng tháng bị trả lại. Tôi khiếu nại "
        "việc xét duyệt của phường.",
        received_ago=5,
        petitioner=("Tôn Thị Xuyến", f"Tổ dân phố số 9, {PL}", "0392 388 417"),
        steps=(Classify(),),
    ),
    Story(
        "31-PL",
        Kind.PROPOSAL,
        Channel.API,
        "moi-truong",
        "Đề nghị bố trí thêm thùng rác công cộng tại khu vực chợ",
        "Khu vực quanh chợ phường thiếu thùng rác công cộng, người dân vứt rác ra vỉa hè.",
        received_ago=2,
        petitioner=("Ninh Văn Lộc", f"Tổ dân phố số 1, {PL}", "0977 420 951"),
        location="Khu vực chợ phường Phù Liễn",
    ),
    Story(
        "31-PL",
        Kind.COMPLAINT,
        Channel.TRANSFERRED_IN,
        "dat-dai",
        "Khiếu nại việc xác nhận nguồn gốc đất để cấp Giấy chứng nhận",
        "Tôi khiếu nại việc UBND phường xác nhận nguồn gốc đất của gia đình là đất lấn chiếm, không đúng "
        "thực tế sử dụng từ năm 1985.",
        received_ago=28,
        petitioner=("Khổng Văn Sáng", f"Tổ dân phố số 11, {PL}", "0912 905 348"),
        transferred_from="Thanh tra thành phố Hải Phòng",
        steps=(Classify(), Accept(after=5), Verify()),
    ),
    Story(
        "31-PL",
        Kind.REPORT,
        Channel.WEB,
        "ha-tang",
        "Mất điện kéo dài nhiều giờ không được thông báo trước",
        "Khu vực tổ dân phố số 4 mất điện từ 8 giờ đến 17 giờ mà không có thông báo.",
        received_ago=35,
        petitioner=("Mai Thị Huệ", f"Tổ dân phố số 4, {PL}", "0939 611 502"),
        steps=(
            Classify(competent=False),
            Transfer("Công ty TNHH MTV Điện lực Hải Phòng", "88/UBND-VP", after=2),
        ),
    ),
    Story(
        "31-PL",
        Kind.PROPOSAL,
        Channel.PAPER,
        "trat-tu-do-thi",
        "Đề nghị xử lý việc trông giữ xe trái phép trên vỉa hè",
        "Nội dung trùng với đơn đã được phường trả lời bằng văn bản tháng trước.",
        received_ago=22,
        petitioner=("Hứa Văn Bình", f"Tổ dân phố số 6, {PL}", "0916 704 118"),
        steps=(
            Classify(),
            NotProcess("Nội dung đã được UBND phường trả lời bằng văn bản; không có tình tiết mới: lưu đơn."),
        ),
    ),
    # ------------------------------------------------------------------ Phường Hải Dương (31-HD)
    Story(
        "31-HD",
        Kind.REPORT,
        Channel.PAPER,
        "moi-truong",
        "Khói bụi từ xưởng gỗ gây ảnh hưởng khu dân cư",
        "Xưởng cưa xẻ gỗ tại tổ dân phố số 8 hoạt động cả buổi tối, bụi gỗ bay sang các nhà xung quanh.",
        received_ago=38,
        petitioner=("Thân Văn Lập", f"Tổ dân phố số 8, {HD}", "0943 230 671"),
    ),
    Story(
        "31-HD",
        Kind.PROPOSAL,
        Channel.WEB,
        "ha-tang",
        "Đề nghị lắp gờ giảm tốc trên đường vào trường mầm non",
        "Xe máy đi tốc độ cao trên đoạn đường trước trường mầm non tổ dân phố số 2, phụ huynh lo ngại.",
        received_ago=15,
        petitioner=("Kha Thị Lụa", f"Tổ dân phố số 2, {HD}", "0918 352 946"),
        steps=(Classify(), Accept(after=3)),
    ),
    Story(
        "31-HD",
        Kind.COMPLAINT,
        Channel.PAPER,
        "dat-dai",
        "Khiếu nại việc thu hồi đất công ích giao khoán",
        "Gia đình tôi nhận khoán đất công ích, hợp đồng chưa hết hạn thì phường ra quyết định thu hồi.",
        received_ago=110,
        petitioner=("Từ Văn Cường", f"Tổ dân phố số 10, {HD}", "0985 046 732"),
        steps=(
            Classify(),
            Accept(after=5),
            Resolve(
                "Chấp nhận một phần khiếu nại: hỗ trợ chi phí đầu tư vào đất còn lại cho gia đình.",
                decision="87/QĐ-UBND",
                after=28,
            ),
        ),
    ),
    Story(
        "31-HD",
        Kind.REPORT,
        Channel.WEB,
        "trat-tu-do-thi",
        "Hàng rong lấn chiếm lòng đường trước cổng bệnh viện",
        "Các xe hàng rong dừng đỗ dưới lòng đường trước cổng bệnh viện gây ùn tắc giờ cao điểm.",
        received_ago=3,
        petitioner=("Doãn Văn Hiếu", f"Tổ dân phố số 5, {HD}", "0367 815 290"),
        steps=(Classify(),),
    ),
    Story(
        "31-HD",
        Kind.COMPLAINT,
        Channel.PAPER,
        "chinh-sach",
        "Khiếu nại việc chi trả trợ cấp cho người có công",
        "Tôi khiếu nại việc phường chậm chi trả trợ cấp một lần.",
        received_ago=50,
        petitioner=("Viên Thị Mận", f"Tổ dân phố số 3, {HD}", "0934 761 853"),
        steps=(
            Classify(),
            Accept(after=3),
            Withdraw("Trợ cấp đã được chi trả; bà có đơn xin rút khiếu nại.", after=9),
        ),
    ),
    # ------------------------------------------------------------------ Thành phố Hải Phòng (31)
    Story(
        "31",
        Kind.COMPLAINT,
        Channel.TRANSFERRED_IN,
        "dat-dai",
        "Khiếu nại việc giải quyết tranh chấp đất đai của UBND phường",
        "Đơn gửi nhiều nơi khiếu nại việc UBND phường Hải Dương hòa giải tranh chấp ranh giới đất; chưa có "
        "quyết định giải quyết lần đầu.",
        received_ago=9,
        petitioner=("Yên Văn Sơn", f"Tổ dân phố số 6, {HD}", "0981 257 304"),
        transferred_from="Ban Tiếp công dân Trung ương",
        steps=(
            Classify(competent=False),
            Guide(
                "Chủ tịch UBND phường Hải Dương",
                "Vụ việc chưa được giải quyết lần đầu; hướng dẫn công dân gửi đơn đến Chủ tịch UBND phường Hải "
                "Dương để được giải quyết theo thẩm quyền.",
            ),
        ),
    ),
    # ------------------------------------------------------------------ Văn phòng UBND tỉnh Ninh Bình (37-VPUBND)
    Story(
        "37-VPUBND",
        Kind.PROPOSAL,
        Channel.WEB,
        "khac",
        "Đề nghị rút ngắn thời gian giải quyết thủ tục trên Cổng dịch vụ công của tỉnh",
        "Thủ tục cấp giấy phép xây dựng nộp trực tuyến vẫn yêu cầu nộp bản giấy, đề nghị bỏ yêu cầu này.",
        received_ago=14,
        petitioner=("Lò Văn Chung", "Phường Hoa Lư, tỉnh Ninh Bình", "0829 371 846"),
        steps=(Classify(), Accept(after=2)),
    ),
    Story(
        "37-VPUBND",
        Kind.PROPOSAL,
        Channel.TRANSFERRED_IN,
        "khac",
        "Kiến nghị về quy định hành chính chuyển từ Hệ thống tiếp nhận phản ánh, kiến nghị của Chính phủ",
        "Kiến nghị bổ sung hướng dẫn nộp hồ sơ trực tuyến đối với thủ tục đăng ký hộ kinh doanh.",
        received_ago=60,
        petitioner=("Sầm Thị Dung", "Phường Nam Định, tỉnh Ninh Bình", "0913 547 260"),
        transferred_from="Văn phòng Chính phủ",
        steps=(
            Classify(),
            Accept(after=3),
            Resolve("Đã ban hành hướng dẫn và cập nhật trên Cổng dịch vụ công của tỉnh.", after=20),
        ),
    ),
    Story(
        "37-VPUBND",
        Kind.COMPLAINT,
        Channel.PAPER,
        "chinh-sach",
        "Khiếu nại kết quả xét tuyển viên chức",
        "Tôi khiếu nại kết quả xét tuyển viên chức ngành giáo dục vì điểm ưu tiên chưa được cộng.",
        received_ago=26,
        petitioner=("Mông Thị Hạnh", "Xã Gia Viễn, tỉnh Ninh Bình", "0358 224 690"),
        steps=(
            Classify(competent=False),
            Guide(
                "Sở Nội vụ tỉnh Ninh Bình",
                "Kết quả xét tuyển do Sở ban hành; hướng dẫn công dân gửi đơn khiếu nại đến Giám đốc Sở.",
            ),
        ),
    ),
    Story(
        "37-VPUBND",
        Kind.REPORT,
        Channel.WEB,
        "can-bo",
        "Phản ánh thái độ phục vụ tại bộ phận một cửa",
        "Công chức tiếp nhận hồ sơ trả lời thiếu lịch sự, không hướng dẫn đầy đủ thành phần hồ sơ.",
        received_ago=1,
        petitioner=("Hoàng Văn Khánh", "Phường Tam Điệp, tỉnh Ninh Bình", "0987 614 302"),
    ),
)


# ---------------------------------------------------------------------------------- routine (scale > 1)

ROUTINE_SUBJECTS: tuple[tuple[str, str, str], ...] = (
    (Kind.REPORT, "moi-truong", "Rác thải sinh hoạt chưa được thu gom đúng lịch"),
    (Kind.REPORT, "trat-tu-do-thi", "Lấn chiếm vỉa hè, lòng đường để kinh doanh"),
    (Kind.PROPOSAL, "ha-tang", "Đề nghị sửa chữa đường giao thông nông thôn xuống cấp"),
    (Kind.PROPOSAL, "ha-tang", "Đề nghị sửa chữa đèn chiếu sáng công cộng"),
    (Kind.REPORT, "ha-tang", "Cống thoát nước bị tắc gây ngập úng"),
    (Kind.PROPOSAL, "an-sinh-xa-hoi", "Đề nghị xem xét hỗ trợ hộ gia đình khó khăn"),
    (Kind.PROPOSAL, "chinh-sach", "Đề nghị giải quyết chế độ chính sách"),
    (Kind.COMPLAINT, "dat-dai", "Khiếu nại việc xác nhận hồ sơ đất đai"),
    (Kind.COMPLAINT, "giai-phong-mat-bang", "Khiếu nại phương án bồi thường, hỗ trợ"),
)
ROUTINE_PER_SCALE = 10

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu")
GIVENS = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Lan", "Long", "Mai", "Nam", "Tâm", "Yến")


def routine_stories(unit: Unit, count: int) -> list[Story]:
    """Ordinary petitions for a commune or ward at benchmark scales, deterministic per unit."""
    rng = random.Random(f"petitions:{unit.code}")
    stories = []
    for n in range(count):
        kind, sector, title = rng.choice(ROUTINE_SUBJECTS)
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        received_ago = rng.randint(0, 170)
        stories.append(
            Story(
                unit.code,
                kind,
                rng.choice((Channel.WEB, Channel.PAPER, Channel.HOTLINE, Channel.IN_PERSON)),
                sector,
                f"{title} ({n + 1})",
                f"{title}. Đề nghị {unit.name} kiểm tra, giải quyết.",
                received_ago=received_ago,
                petitioner=(name, unit.name, phone),
                steps=routine_steps(rng, received_ago),
            )
        )
    return stories


def routine_steps(rng: random.Random, received_ago: int) -> tuple:
    if received_ago < 3:
        return ()
    outcome = rng.random()
    if outcome < 0.15:
        return (Classify(),)
    if outcome < 0.25 or received_ago < 60:
        return (Classify(), Accept(after=2))
    if outcome < 0.35:
        return (Classify(competent=False), Transfer("Cơ quan có thẩm quyền", "01/UBND-TCD", after=3))
    late = outcome > 0.85
    return (
        Classify(),
        Accept(after=2),
        Resolve("Đã kiểm tra và trả lời công dân.", decision="01/QĐ-UBND", late_by=3 if late else None),
    )


# ---------------------------------------------------------------------------------------- the runner


@dataclass
class PetitionSeedReport:
    petitions_created: int = 0
    schedules_created: int = 0
    sessions_created: int = 0
    visits_created: int = 0
    skipped_units: list[str] = field(default_factory=list)


class _Runner:
    """Plays stories through the services, with dates counted back from `today`."""

    def __init__(self, today: date):
        self.today = today
        self.units = {u.code: u for u in Unit.objects.filter(code__in={s.unit for s in STORIES} | {"31"})}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.users = self._users()
        self.by_key: dict[str, Petition] = {}
        self.created = 0

    @staticmethod
    def _users() -> dict:
        from django.contrib.auth import get_user_model

        names = {name for pair in OFFICERS.values() for name in pair if name}
        return {u.username: u for u in get_user_model().objects.filter(username__in=names)}

    # dates -----------------------------------------------------------------------------------------
    def _cap(self, day: date) -> date:
        return min(day, self.today)

    def _received_on(self, story: Story, unit: Unit) -> date:
        day = self.today - timedelta(days=story.received_ago)
        if story.channel in (Channel.PAPER, Channel.IN_PERSON, Channel.TRANSFERRED_IN):
            while not calendar.is_working_day(day, unit) and day > self.today - timedelta(days=400):
                day -= timedelta(days=1)  # the office takes paper letters on working days
        return day

    # actors ----------------------------------------------------------------------------------------
    def officer(self, unit: Unit):
        return self.users.get(OFFICERS.get(unit.code, (None, None))[0])

    def leader(self, unit: Unit):
        return self.users.get(OFFICERS.get(unit.code, (None, None))[1])

    # stories ---------------------------------------------------------------------------------------
    def play(self, story: Story) -> Petition:
        unit = self.units[story.unit]
        petition = services.submit_petition(
            unit=unit,
            kind=story.kind,
            channel=story.channel,
            title=story.title,
            content=story.content,
            actor=self.officer(unit) if story.channel not in (Channel.WEB, Channel.API) else None,
            petitioner=self._petitioner(story),
            anonymous=story.anonymous,
            sector=self.sectors.get(story.sector),
            location_text=story.location,
            signers=story.signers,
            received_on=self._received_on(story, unit),
            transferred_from=story.transferred_from,
        )
        self.created += 1
        if story.key:
            self.by_key[story.key] = petition
        return self.run_steps(petition, story.steps)

    @staticmethod
    def _petitioner(story: Story) -> services.Petitioner | None:
        if story.anonymous or story.petitioner is None:
            return None
        name, address, phone = story.petitioner
        return services.Petitioner(name=name, address=address, phone=phone)

    def run_steps(self, petition: Petition, steps: tuple) -> Petition:
        for step in steps:
            handler = getattr(self, f"_{type(step).__name__.lower()}")
            petition = handler(petition, step)
        return petition

    def _classify(self, petition: Petition, step: Classify) -> Petition:
        return services.classify_petition(
            petition,
            actor=self.officer(petition.unit),
            is_eligible=step.eligible,
            within_competence=step.competent,
            has_originals=step.originals,
            complexity=step.complexity,
            several_sites=step.several_sites,
            note=step.note,
        )

    def _accept(self, petition: Petition, step: Accept) -> Petition:
        accepted_on = calendar.add_working_days(petition.received_on, step.after, petition.unit)
        return services.accept_petition(
            petition, actor=self.leader(petition.unit), accepted_on=self._cap(accepted_on), note=step.note
        )

    def _verify(self, petition: Petition, step: Verify) -> Petition:
        return services.start_verification(petition, actor=self.officer(petition.unit), note=step.note)

    def _extend(self, petition: Petition, step: Extend) -> Petition:
        return services.extend_deadline(
            petition,
            actor=self.leader(petition.unit),
            reason=step.reason,
            complexity=step.complexity,
            decision_number=step.decision,
        )

    def _resolve(self, petition: Petition, step: Resolve) -> Petition:
        if step.late_by is not None:
            resolved_on = petition.resolution_due + timedelta(days=step.late_by)
        else:
            resolved_on = petition.accepted_on + timedelta(days=step.after or 0)
        return services.resolve_petition(
            petition,
            actor=self.leader(petition.unit),
            outcome=step.outcome,
            decision_number=step.decision,
            resolved_on=self._cap(resolved_on),
        )

    def _close(self, petition: Petition, step: Close) -> Petition:
        return services.close_petition(petition, actor=self.officer(petition.unit), note=step.note)

    def _transfer(self, petition: Petition, step: Transfer) -> Petition:
        transferred_on = calendar.add_working_days(petition.received_on, step.after, petition.unit)
        return services.transfer_petition(
            petition,
            actor=self.officer(petition.unit),
            to_body=step.to,
            letter_number=step.letter,
            note=step.note,
            transferred_on=self._cap(transferred_on),
        )

    def _guide(self, petition: Petition, step: Guide) -> Petition:
        return services.guide_petitioner(
            petition, actor=self.officer(petition.unit), to_body=step.to, guidance=step.guidance
        )

    def _notprocess(self, petition: Petition, step: NotProcess) -> Petition:
        return services.not_process_petition(petition, actor=self.officer(petition.unit), reason=step.reason)

    def _withdraw(self, petition: Petition, step: Withdraw) -> Petition:
        start = petition.accepted_on or petition.received_on
        return services.withdraw_petition(
            petition,
            actor=self.officer(petition.unit),
            reason=step.reason,
            withdrawn_on=self._cap(start + timedelta(days=step.after)),
        )

    def _assign(self, petition: Petition, step: Assign) -> Petition:
        handler = self.users.get(step.username)
        if handler is None:
            return petition
        return services.assign_handler(petition, actor=self.leader(petition.unit), handler=handler)

    def _linkto(self, petition: Petition, step: LinkTo) -> Petition:
        return services.link_repeat(
            petition, actor=self.officer(petition.unit), earlier=self.by_key[step.key], note=step.note
        )

    def _split(self, petition: Petition, step: Split) -> Petition:
        parts = [
            {
                "kind": part.kind,
                "title": part.title,
                "content": part.content,
                "sector": self.sectors.get(part.sector),
            }
            for part in step.parts
        ]
        children = services.split_petition(petition, actor=self.officer(petition.unit), parts=parts)
        self.created += len(children)
        for child, part in zip(children, step.parts, strict=True):
            self.run_steps(child, part.steps)
        petition.refresh_from_db()
        return petition

    def _appeal(self, petition: Petition, step: Appeal) -> Petition:
        unit = self.units[step.unit]
        appeal = services.file_second_complaint(
            petition,
            actor=self.officer(unit),
            unit=unit,
            content=step.content,
            received_on=self._cap(petition.resolved_on + timedelta(days=step.after)),
        )
        self.created += 1
        self.run_steps(appeal, step.steps)
        petition.refresh_from_db()
        return petition


def _units_with_petitions(codes) -> set[str]:
    return set(Petition.objects.filter(unit__code__in=codes).values_list("unit__code", flat=True).distinct())


def seed_stories(runner: _Runner, report: PetitionSeedReport) -> None:
    """The scripted stories, unit by unit; a unit that already has petitions is skipped."""
    codes = sorted({story.unit for story in STORIES if story.unit in runner.units})
    done = _units_with_petitions(codes)
    for code in codes:
        if code in done:
            report.skipped_units.append(code)
            continue
        with transaction.atomic():
            for story in STORIES:
                if story.unit == code:
                    runner.play(story)


def seed_routine(runner: _Runner, scale: int, report: PetitionSeedReport) -> None:
    """At scale N > 1, (N − 1) × ROUTINE_PER_SCALE ordinary petitions in every commune and ward without any."""
    if scale <= 1:
        return
    communes = Unit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD]).order_by("code")
    done = _units_with_petitions([u.code for u in communes]) | set(OFFICERS)
    for unit in communes:
        if unit.code in done:
            continue
        runner.units[unit.code] = unit
        with transaction.atomic():
            for story in routine_stories(unit, (scale - 1) * ROUTINE_PER_SCALE):
                runner.play(story)


def seed_petitions(*, scale: int = 1, today: date | None = None) -> PetitionSeedReport:
    """Demo petitions and reception for the demo units; idempotent (a second run creates nothing)."""
    today = today or timezone.localdate()
    report = PetitionSeedReport()
    runner = _Runner(today)
    seed_stories(runner, report)
    seed_routine(runner, scale, report)
    seed_reception(runner, report)
    report.petitions_created = runner.created
    return report


# ------------------------------------------------------------------------------------------ reception

HISTORY_DAYS = 190  # schedules start a little over six months ago; sessions and visits follow them


@dataclass(frozen=True)
class ScheduleSpec:
    weekday: int  # 0 = Monday
    start: time
    end: time
    host_title: str
    host_name: str
    host_username: str | None = None
    head: bool = False
    online: bool = False
    location: str = ""


@dataclass(frozen=True)
class VisitSpec:
    """A visit the demo shows on purpose: a group, a confidential denunciation, a late or missing answer."""

    days_ago: int
    kind: str
    sector: str
    content: str
    request: str = ""
    visitor: tuple[str, str, str] = ("", "", "")  # name, address, phone
    persons: int = 1
    representatives: tuple[tuple[str, str, str], ...] = ()
    session: str = "regular"  # "regular" (the head's next-earlier session), "ad_hoc" or "online"
    answer: str = ""  # Visit.Answer value; "" = not answered yet
    reason: str = ""
    late: bool = False
    key: str = ""
    same_case_as: str = ""
    prior_handling: str = ""
    handling: str = ""
    petition_steps: tuple | None = None  # open a petition from the visit and play these steps


@dataclass(frozen=True)
class ReceptionSpec:
    location: str
    schedules: tuple[ScheduleSpec, ...]
    visits: tuple[VisitSpec, ...] = ()


A = "accepted"
VERIFY = "needs_verification"
REFUSED = "refused"
TRANSFERRED = "transferred"
GUIDED = "guided"

RECEPTION: dict[str, ReceptionSpec] = {
    "31-AK": ReceptionSpec(
        location="Phòng tiếp công dân, trụ sở UBND xã An Khánh",
        schedules=(
            ScheduleSpec(
                1, time(7, 30), time(11, 30), "Chủ tịch UBND xã", "Đỗ Văn Hùng", "chutich.ankhanh", True
            ),
            ScheduleSpec(3, time(14, 0), time(17, 0), "Phó Chủ tịch UBND xã", "Phạm Quang Huy"),
        ),
        visits=(
            VisitSpec(
                62,
                Kind.PROPOSAL,
                "giai-phong-mat-bang",
                "Đoàn 12 hộ dân thôn Ninh Duy và thôn Phương Lung có đất nông nghiệp bị thu hồi làm dự án cụm "
                "công nghiệp kiến nghị về đơn giá bồi thường cây trồng, hoa màu thấp hơn giá thị trường.",
                request="Đề nghị xem xét điều chỉnh đơn giá bồi thường cây trồng và tổ chức đối thoại.",
                persons=12,
                representatives=(
                    ("Lại Văn Thành", f"Thôn Ninh Duy, {AK}", "0988 460 517"),
                    ("Vi Thị Nguyệt", f"Thôn Phương Lung, {AK}", "0966 172 384"),
                    ("Thạch Văn Đức", f"Thôn Ninh Duy, {AK}", "0359 814 206"),
                ),
                session="ad_hoc",
                answer=VERIFY,
                reason="Giao Tổ công tác giải phóng mặt bằng rà soát đơn giá, trả lời sau khi xác minh.",
                key="ak-group",
                handling="Chủ tịch UBND xã trực tiếp tiếp đoàn, giải thích chính sách bồi thường.",
                petition_steps=(
                    Classify(),
                    Accept(after=3),
                    Resolve(
                        "Đơn giá bồi thường cây trồng áp dụng đúng bảng giá của thành phố; UBND xã đã tổ chức "
                        "đối thoại với các hộ ngày làm việc thứ 20 sau khi thụ lý.",
                        after=24,
                    ),
                ),
            ),
            VisitSpec(
                6,
                Kind.PROPOSAL,
                "giai-phong-mat-bang",
                "Đại diện các hộ tiếp tục kiến nghị về tiến độ chi trả tiền bồi thường dự án cụm công nghiệp.",
                request="Đề nghị chi trả dứt điểm trước Tết.",
                persons=8,
                representatives=(
                    ("Lại Văn Thành", f"Thôn Ninh Duy, {AK}", "0988 460 517"),
                    ("Vi Thị Nguyệt", f"Thôn Phương Lung, {AK}", "0966 172 384"),
                ),
                same_case_as="ak-group",
                prior_handling="UBND xã đã tiếp đoàn và tổ chức đối thoại.",
            ),
            VisitSpec(
                36,
                Kind.REPORT,
                "moi-truong",
                "Đoàn 7 hộ dân cuối thôn Phú Xuân phản ánh trại lợn xả nước thải ra mương tưới tiêu.",
                request="Đề nghị kiểm tra, buộc chủ trại xử lý nước thải.",
                persons=7,
                representatives=(
                    ("Chu Thị Nhàn", f"Thôn Phú Xuân, {AK}", "0358 902 147"),
                    ("Ôn Văn Lượng", f"Thôn Phú Xuân, {AK}", "0973 508 219"),
                ),
                answer=A,
                reason="Thụ lý, giao công chức địa chính - môi trường kiểm tra.",
            ),
            VisitSpec(
                45,
                Kind.DENUNCIATION,
                "can-bo",
                "Công dân trình bày tố cáo việc một cán bộ thôn nhận tiền hỗ trợ thay cho các hộ nhưng không "
                "chi trả đủ.",
                request="Đề nghị xác minh, xử lý và giữ bí mật thông tin người tố cáo.",
                visitor=("Lưu Văn Tấn", f"Thôn Hòa Bình, {AK}", "0964 283 715"),
                answer=A,
                reason="Thụ lý tố cáo; thông báo cho người tố cáo bằng văn bản.",
                late=True,
            ),
            VisitSpec(
                33,
                Kind.PROPOSAL,
                "dat-dai",
                "Công dân hỏi thủ tục đăng ký biến động đất đai khi tặng cho quyền sử dụng đất cho con.",
                request="Đề nghị hướng dẫn thành phần hồ sơ.",
                visitor=("Tô Văn Nghĩa", f"Thôn Tân Viên, {AK}", "0357 640 928"),
                session="online",
                answer=GUIDED,
                reason="Hướng dẫn nộp hồ sơ trực tuyến trên Cổng dịch vụ công hoặc tại Bộ phận một cửa.",
            ),
            VisitSpec(
                54,
                Kind.COMPLAINT,
                "dat-dai",
                "Công dân tiếp tục khiếu nại việc thu hồi đất năm 2019.",
                request="Đề nghị giải quyết lại.",
                visitor=("Ninh Văn Quý", f"Thôn Đông Hải, {AK}", "0919 325 047"),
                prior_handling="Đã có quyết định giải quyết khiếu nại lần hai của Chủ tịch UBND thành phố.",
                answer=REFUSED,
                reason="Vụ việc đã có quyết định giải quyết khiếu nại lần hai có hiệu lực pháp luật; không thụ "
                "lý lại.",
            ),
            VisitSpec(
                75,
                Kind.COMPLAINT,
                "moi-truong",
                "Công dân khiếu nại quyết định xử phạt về tập kết cát do Thanh tra Sở ban hành.",
                visitor=("Ông Văn Lợi", f"Thôn An Lạc, {AK}", "0962 553 819"),
                answer=TRANSFERRED,
                reason="Sở Nông nghiệp và Môi trường thành phố Hải Phòng",
            ),
            VisitSpec(
                40,
                Kind.PROPOSAL,
                "an-sinh-xa-hoi",
                "Công dân đề nghị xem xét hỗ trợ sửa chữa nhà ở cho hộ nghèo bị hư hỏng sau bão.",
                visitor=("Lâm Thị Hoa", f"Thôn Cẩm Khê, {AK}", "0388 205 716"),
            ),
        ),
    ),
    "31-PL": ReceptionSpec(
        location="Phòng tiếp công dân, trụ sở UBND phường Phù Liễn",
        schedules=(
            ScheduleSpec(
                1, time(8, 0), time(11, 30), "Chủ tịch UBND phường", "Vũ Đức Thắng", "chutich.phulien", True
            ),
            ScheduleSpec(
                2,
                time(14, 0),
                time(17, 0),
                "Công chức Tư pháp - Hộ tịch phường",
                "Phạm Thị Lan",
                "canbo.phulien",
            ),
        ),
        visits=(
            VisitSpec(
                27,
                Kind.REPORT,
                "ha-tang",
                "Đoàn 15 hộ dân tổ dân phố số 9 phản ánh công trình xây dựng nhà cao tầng liền kề làm nứt tường, "
                "lún nền nhà.",
                request="Đề nghị đình chỉ thi công, giám định và bồi thường thiệt hại.",
                persons=15,
                representatives=(
                    ("Tôn Thị Xuyến", f"Tổ dân phố số 9, {PL}", "0392 388 417"),
                    ("Giang Văn Hòa", f"Tổ dân phố số 9, {PL}", "0912 776 053"),
                    ("Mạc Thị Lý", f"Tổ dân phố số 9, {PL}", "0983 641 720"),
                    ("Đồng Văn Trung", f"Tổ dân phố số 9, {PL}", ""),
                ),
                session="ad_hoc",
                answer=VERIFY,
                reason="Giao tổ quản lý trật tự xây dựng phối hợp đơn vị tư vấn giám định hiện trạng.",
            ),
            VisitSpec(
                48,
                Kind.REPORT,
                "trat-tu-do-thi",
                "Công dân phản ánh quán ăn lấn chiếm vỉa hè đầu ngõ 40.",
                visitor=("Quách Thị Ngân", f"Tổ dân phố số 5, {PL}", "0913 208 664"),
                answer=A,
                reason="Giao tổ quản lý trật tự đô thị kiểm tra, xử lý.",
                late=True,
            ),
            VisitSpec(
                44,
                Kind.COMPLAINT,
                "an-sinh-xa-hoi",
                "Công dân khiếu nại việc cắt trợ cấp xã hội hằng tháng.",
                visitor=("Hà Thị Phượng", f"Tổ dân phố số 12, {PL}", "0354 917 638"),
            ),
        ),
    ),
    "31-HD": ReceptionSpec(
        location="Phòng tiếp công dân, trụ sở UBND phường Hải Dương",
        schedules=(
            ScheduleSpec(2, time(7, 30), time(11, 30), "Chủ tịch UBND phường", "Phan Đức Mạnh", None, True),
        ),
    ),
}

FILLER_VISITS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # kind, sector, content ({place}), request, answer, reason
    (
        Kind.PROPOSAL,
        "dat-dai",
        "Hỏi thủ tục cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho thửa đất ở {place}.",
        "Đề nghị hướng dẫn hồ sơ.",
        GUIDED,
        "Hướng dẫn nộp hồ sơ tại Bộ phận một cửa.",
    ),
    (
        Kind.REPORT,
        "moi-truong",
        "Phản ánh rác thải ứ đọng tại điểm tập kết {place}.",
        "Đề nghị thu gom đúng lịch.",
        A,
        "Giao đơn vị thu gom xử lý.",
    ),
    (
        Kind.PROPOSAL,
        "ha-tang",
        "Kiến nghị sửa chữa đoạn đường bê tông bị vỡ tại {place}.",
        "Đề nghị sửa chữa trước mùa mưa.",
        A,
        "Đưa vào kế hoạch duy tu đường giao thông.",
    ),
    (
        Kind.PROPOSAL,
        "an-sinh-xa-hoi",
        "Đề nghị xem xét trợ cấp cho người cao tuổi sống một mình ở {place}.",
        "Đề nghị rà soát hồ sơ.",
        VERIFY,
        "Giao công chức văn hóa - xã hội rà soát.",
    ),
    (
        Kind.COMPLAINT,
        "dat-dai",
        "Khiếu nại việc xác định ranh giới thửa đất giáp ranh tại {place}.",
        "Đề nghị đo đạc lại.",
        VERIFY,
        "Cần đo đạc, đối chiếu hồ sơ địa chính.",
    ),
    (
        Kind.PROPOSAL,
        "chinh-sach",
        "Hỏi chế độ bảo hiểm y tế cho hộ cận nghèo.",
        "",
        GUIDED,
        "Giải thích chính sách tại buổi tiếp.",
    ),
    (
        Kind.REPORT,
        "trat-tu-do-thi",
        "Phản ánh hộ kinh doanh lấn chiếm lòng đường tại {place}.",
        "Đề nghị xử lý.",
        A,
        "Giao tổ kiểm tra trật tự xử lý.",
    ),
    (
        Kind.COMPLAINT,
        "dat-dai",
        "Khiếu nại văn bản của Văn phòng Đăng ký đất đai về hồ sơ chuyển nhượng.",
        "",
        TRANSFERRED,
        "Văn phòng Đăng ký đất đai thành phố Hải Phòng",
    ),
    (
        Kind.PROPOSAL,
        "khac",
        "Đề nghị giải quyết tranh chấp lối đi chung giữa hai hộ tại {place}.",
        "",
        GUIDED,
        "Hướng dẫn hòa giải tại tổ hòa giải cơ sở.",
    ),
)


@dataclass
class _PlannedVisit:
    date: date
    kwargs: dict
    answer: str = ""
    reason: str = ""
    late: bool = False
    spec: VisitSpec | None = None


@dataclass
class _PlannedSession:
    date: date
    kwargs: dict
    visits: list[_PlannedVisit] = field(default_factory=list)


class _ReceptionSeeder:
    """Builds a unit's six months of reception: schedules, then sessions in date order with their visits."""

    def __init__(self, runner: _Runner, unit: Unit, spec: ReceptionSpec):
        self.runner, self.unit, self.spec, self.today = runner, unit, spec, runner.today
        self.rng = random.Random(f"reception:{unit.code}")
        self.places = list(Unit.objects.filter(parent=unit).order_by("code").values_list("name", flat=True))
        self.start = self.today - timedelta(days=HISTORY_DAYS)
        self.by_key: dict[str, object] = {}
        self.counts = Counter()

    def run(self) -> Counter:
        from dancoso.petitions import reception

        schedules = [self._schedule(reception, spec) for spec in self.spec.schedules]
        sessions = self._regular_sessions(schedules)
        self._place_special_visits(sessions, schedules[0])
        for session in sessions:
            if session.kwargs["kind"] == ReceptionSession.Kind.REGULAR and not session.visits:
                self._add_filler(session)
        for session in sorted(sessions, key=lambda s: (s.date, s.kwargs.get("start_time") or time())):
            self._hold(reception, session)
        return self.counts

    # schedules and sessions ----------------------------------------------------------------------
    def _schedule(self, reception, spec: ScheduleSpec):
        self.counts["schedules"] += 1
        return reception.add_schedule(
            self.unit,
            actor=self.runner.officer(self.unit),
            weekday=spec.weekday,
            start_time=spec.start,
            end_time=spec.end,
            host_title=spec.host_title,
            host=self.runner.users.get(spec.host_username),
            host_is_head=spec.head,
            is_online=spec.online,
            location=spec.location or self.spec.location,
            valid_from=self.start,
            note=self._schedule_note(spec),
        )

    @staticmethod
    def _schedule_note(spec: ScheduleSpec) -> str:
        if spec.head:
            return "Người đứng đầu trực tiếp tiếp công dân định kỳ (Luật Tiếp công dân Điều 15.2.d)."
        if spec.online:
            return "Thông báo lịch tiếp trực tuyến trước 05 ngày làm việc."
        return ""

    def _regular_sessions(self, schedules) -> list[_PlannedSession]:
        sessions = []
        for schedule, spec in zip(schedules, self.spec.schedules, strict=True):
            day = self.start
            while day <= self.today:
                if day.weekday() == spec.weekday and calendar.is_working_day(day, self.unit):
                    sessions.append(self._planned(day, schedule=schedule, spec=spec))
                day += timedelta(days=1)
        return sessions

    def _planned(
        self, day: date, *, schedule=None, spec: ScheduleSpec | None = None, kind="regular", mode=None
    ):
        kwargs = {
            "date": day,
            "kind": kind,
            "mode": mode or ("online" if spec is not None and spec.online else "in_person"),
            "schedule": schedule,
            "host_name": spec.host_name if spec else "",
        }
        return _PlannedSession(day, kwargs)

    def _working_day_on_or_before(self, day: date) -> date:
        while not calendar.is_working_day(day, self.unit):
            day -= timedelta(days=1)
        return day

    def _place_special_visits(self, sessions: list[_PlannedSession], head_schedule) -> None:
        head = self.spec.schedules[0]
        for spec in self.spec.visits:
            day = self._working_day_on_or_before(self.today - timedelta(days=spec.days_ago))
            if spec.session == "regular":
                candidates = [s for s in sessions if s.kwargs["schedule"] == head_schedule and s.date <= day]
                session = max(candidates, key=lambda s: s.date) if candidates else None
            else:
                session = None
            if session is None:
                session = self._ad_hoc(day, head, online=spec.session == "online")
                sessions.append(session)
            session.visits.append(self._special_visit(session.date, spec))

    def _ad_hoc(self, day: date, head: ScheduleSpec, *, online: bool) -> _PlannedSession:
        if online:
            session = self._planned(day, kind="ad_hoc", mode="online")
            session.kwargs.update(
                host=self.runner.users.get(head.host_username),
                host_name=head.host_name,
                host_title=head.host_title,
                host_is_head=True,
                location="Phòng tiếp công dân trực tuyến; đường dẫn thông báo trước 05 ngày làm việc",
                notes="Buổi tiếp công dân trực tuyến (Luật 136/2025/QH15).",
            )
            return session
        session = self._planned(day, kind="ad_hoc")
        session.kwargs.update(
            host=self.runner.users.get(head.host_username),
            host_name=head.host_name,
            host_title=head.host_title,
            host_is_head=head.head,
            location=self.spec.location,
            start_time=time(14, 0),
            end_time=time(16, 30),
            notes="Tiếp công dân đột xuất khi có đoàn đông người (Luật Tiếp công dân Điều 18.3).",
        )
        return session

    # visits ---------------------------------------------------------------------------------------
    def _special_visit(self, day: date, spec: VisitSpec) -> _PlannedVisit:
        name, address, phone = spec.visitor
        kwargs = {
            "visitor": {"name": name, "address": address, "phone": phone},
            "kind": spec.kind,
            "sector": self.runner.sectors.get(spec.sector),
            "content": spec.content,
            "request": spec.request,
            "prior_handling": spec.prior_handling,
            "handling": spec.handling,
            "persons": spec.persons,
            "is_group": spec.persons >= 5,
            "representatives": [{"name": n, "address": a, "phone": p} for n, a, p in spec.representatives],
            "create_petition": spec.petition_steps is not None,
        }
        return _PlannedVisit(day, kwargs, spec.answer, spec.reason, spec.late, spec)

    def _add_filler(self, session: _PlannedSession) -> None:
        for _n in range(self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
            kind, sector, content, request, answer, reason = self.rng.choice(FILLER_VISITS)
            place = self.rng.choice(self.places) if self.places else self.unit.name
            kwargs = {
                "visitor": {
                    "name": f"{self.rng.choice(SURNAMES)} {self.rng.choice(MIDDLES)} {self.rng.choice(GIVENS)}",
                    "address": f"{place}, {self.unit.name}",
                    "phone": f"09{self.rng.randint(10_000_000, 99_999_999)}"
                    if self.rng.random() < 0.7
                    else "",
                },
                "kind": kind,
                "sector": self.runner.sectors.get(sector),
                "content": content.format(place=place),
                "request": request,
                "persons": self.rng.choice((1, 1, 1, 1, 2, 3)),
            }
            late = self.rng.random() < 0.12
            pending = self.rng.random() < 0.08
            session.visits.append(
                _PlannedVisit(session.date, kwargs, "" if pending else answer, reason, late)
            )

    def _hold(self, reception, planned: _PlannedSession) -> None:
        kwargs = planned.kwargs
        if kwargs["mode"] == "online":
            # NĐ 154/2026: announced on the last day the rule allows (none is needed before 01/07/2026).
            notice_on = reception.latest_online_notice(planned.date, self.unit)
            if notice_on is not None:
                kwargs = {**kwargs, "notice_on": notice_on, "notice_channel": "Cổng thông tin điện tử xã"}
        session = reception.open_session(self.unit, actor=self.runner.officer(self.unit), **kwargs)
        self.counts["sessions"] += 1
        for visit in planned.visits:
            self._record(reception, session, visit)

    def _record(self, reception, session, planned: _PlannedVisit) -> None:
        kwargs = dict(planned.kwargs)
        spec = planned.spec
        if spec is not None and spec.same_case_as:
            kwargs["case_key"] = self.by_key[spec.same_case_as].case_key
        visit = reception.record_visit(session, actor=self.runner.officer(self.unit), **kwargs)
        self.counts["visits"] += 1
        if spec is not None and spec.key:
            self.by_key[spec.key] = visit
        if visit.petition_id is not None:
            self.runner.created += 1
            self.runner.run_steps(visit.petition, spec.petition_steps)
        answered_on = self._answer_date(visit, planned)
        if planned.answer and answered_on is not None:
            reception.answer_visit(
                visit,
                actor=self.runner.leader(self.unit),
                answer=planned.answer,
                reason=planned.reason,
                answered_on=answered_on,
            )

    def _answer_date(self, visit, planned: _PlannedVisit) -> date | None:
        """On time: a few working days after the visit. Late: a few days after the 10 working days. None when
        that day has not come yet (the visit is then still waiting for its answer)."""
        if planned.late:
            day = visit.answer_due + timedelta(days=self.rng.randint(2, 8))
        else:
            day = calendar.add_working_days(visit.date, self.rng.randint(1, 8), self.unit)
        return day if day <= self.today else None


def seed_reception(runner: _Runner, report: PetitionSeedReport) -> None:
    """Six months of reception for the demo units; a unit with any schedule or session is skipped."""
    units = Unit.objects.filter(code__in=RECEPTION)
    done = set(
        ReceptionSession.objects.filter(unit__in=units).values_list("unit__code", flat=True).distinct()
    ) | set(ReceptionSchedule.objects.filter(unit__in=units).values_list("unit__code", flat=True).distinct())
    for unit in units.order_by("code"):
        if unit.code in done:
            continue
        runner.units.setdefault(unit.code, unit)
        with transaction.atomic():
            counts = _ReceptionSeeder(runner, unit, RECEPTION[unit.code]).run()
        report.schedules_created += counts["schedules"]
        report.sessions_created += counts["sessions"]
        report.visits_created += counts["visits"]
