"""Is the scam happening now? Present-tense cues that call for stop-now advice first.

In English, Malay and Chinese (issue 12). Chinese has no spaces: its cues are substrings, and a
past-time word earlier in the same clause ("昨天我在银行") makes one a story, not an emergency.
"""

from __future__ import annotations

import re

_SUBJECT = (
    r"\b(?:he|she|they|the\s+(?:caller|man|woman|lady|guy|officer|scammer|person|courier|agent)|"
    r"someone|somebody|a\s+(?:man|woman|courier|person|guy|lady)|the\s+\w+|caller|scammer)"
)
_BE = r"(?:\s+(?:is|are)|'s|’s|'re|’re|s|re)?"  # "he's", "theyre", "they are"
_I_AM = r"(?:i\s*'?\s*m|i’m|im|i\s+am|we\s*'?\s*re|we’re|we\s+are)"
_EN_RELATIVE = (
    r"\b(?:my|our)\s+(?:mum|mom|mother|mam|mama|dad|father|papa|grandma|grandmother|grandpa|"
    r"grandfather|nan|nana|wife|husband|son|daughter|aunt|auntie|uncle|parents?|sister|brother|"
    r"granny)"
)
_MONEY_VERB = r"(?:transfer|send|pay|withdraw|wire|deposit|remit|hand\s+over|give)"
_NOW = r"(?:now|right\s+now|immediately|today|tonight|at\s+once|asap|this\s+minute)"

_CUES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # the caller is still on the line
        r"\b(?:still|currently)\s+on\s+the\s+(?:line|phone|call)\b",
        r"\bon\s+the\s+(?:line|phone|call)\s+(?:with\s+(?:him|her|them|the\s+\w+)\s+)?"
        r"(?:now|right\s+now|still|as\s+we\s+speak)\b",
        _SUBJECT + _BE + r"\s+(?:still\s+)?on\s+the\s+(?:line|phone|call)\b(?!\s+(?:yesterday|"
        r"last|for\s+\d))",
        r"\b(?:is|are|keeps?|keep\s+on)\s+(?:still\s+)?(?:calling|phoning|ringing|texting|messaging)"
        r"\s+me\s+(?:again\s+)?" + _NOW + r"\b",
        _SUBJECT + _BE + r"\s+(?:still\s+)?(?:calling|talking\s+to|speaking\s+to)\s+me\s+"
        r"(?:right\s+)?now\b",
        r"\b(?:hold(?:ing)?|put\s+me\s+on\s+hold)\b.{0,30}\b(?:line|phone|call)\b.{0,20}\bnow\b",
        r"\bthey\s+told\s+me\s+not\s+to\s+hang\s+up\b",
        r"\bwhile\s+(?:i\s*'?m|i\s+am|im)\s+on\s+the\s+(?:phone|line|call)\b",
        # someone is coming to collect cash or the card
        r"\b(?:is|are|'s|'re|will\s+be|be)\s+(?:coming|on\s+(?:his|her|their|the)\s+way|arriving|"
        r"sending\s+(?:a|someone|somebody|the)\s*\w*)\b.{0,40}\b(?:collect|pick\s*up|take|get)\b",
        r"\b(?:coming|come|will\s+come|going\s+to\s+come|sending\s+\w+)\s+(?:over\s+|here\s+|"
        r"to\s+my\s+(?:house|home|place|flat|door)\s+)?(?:to|and)\s+(?:collect|pick\s*up|take)\b",
        r"\b(?:courier|runner|officer|agent|someone|somebody)\b.{0,40}\b(?:coming|will\s+"
        r"come|on\s+the\s+way|arriving)\b",
        r"\b(?:waiting|standing)\s+(?:for\s+me\s+)?(?:outside|downstairs|at\s+(?:my|the)\s+"
        r"(?:door|gate|lobby|void\s+deck|house|home))\b",
        r"\b(?:outside|at)\s+my\s+(?:door|house|home|flat|gate)\s+(?:now|right\s+now)\b",
        r"\b(?:they|he|she)\s*(?:'re|’re|\s+are|'s|’s|\s+is)\s+waiting\b",
        # at the bank now / about to pay
        _I_AM + r"\s+(?:now\s+|currently\s+|still\s+)?(?:at|in|inside|outside|going\s+to|on\s+"
        r"(?:my|the)\s+way\s+to)\s+(?:the|my|a)\s+(?:bank|atm|branch|money\s+changer|"
        r"remittance|post\s+office)\b",
        _EN_RELATIVE + r"(?:\s+(?:is|are)|'s|’s)\s+(?:now\s+|currently\s+|still\s+|already\s+)?"
        r"(?:at|in|inside|going\s+to|on\s+(?:his|her|their|the)\s+way\s+to)\s+(?:the|a)\s+"
        r"(?:bank|atm|branch|money\s+changer|remittance)\b(?!.{0,12}\b(?:yesterday|last)\b)",
        r"\b(?:about|going|supposed|trying|preparing|getting\s+ready)\s+to\s+"
        + _MONEY_VERB
        + r"\b",
        _I_AM + r"\s+(?:now\s+)?(?:transferring|sending|paying|withdrawing|wiring|depositing)\b",
        r"\b(?:should|must|shall)\s+i\s+" + _MONEY_VERB + r"\b",
        r"\b(?:asked|told|want|wants|ordered|instructed|asking|telling)\s+me\s+to\s+"
        + _MONEY_VERB
        + r"\b.{0,40}\b"
        + _NOW
        + r"\b",
        r"\b(?:asked|told|want|wants|ordered|instructed|asking|telling)\s+me\s+to\s+go\s+to\s+"
        r"the\s+(?:bank|atm)\s+" + _NOW + r"\b",
        r"\b(?:happening|going\s+on)\s+(?:right\s+)?now\b",
        r"\bas\s+we\s+speak\b",
        # a threat with a price still to pay (sextortion, fake arrest): paying can still be stopped
        r"\bunless\s+(?:i|we|you|my\s+\w+)\s+(?:pay|send|transfer|give|buy)\b",
        r"\b(?:or\s+(?:else|they|he|she)|otherwise)\b.{0,40}\b(?:post|send|share|leak|"
        r"publish|upload|show|arrest|jail|expose)\b",
        r"\b(?:threaten\w*|says?\s+(?:he|she|they)\s*(?:will|'ll|’ll|are\s+going\s+to)|"
        r"going\s+to)\s+(?:to\s+)?(?:send|post|share|leak|publish|upload|show)\b.{0,60}\b"
        r"(?:video|photos?|pictures?|pics?|images?|recording|clip|nudes?|friends|family|"
        r"contacts|followers|parents|school|work)\b",
        # remote access that is still open
        r"\b(?:anydesk|teamviewer|quick\s*support|quick\s*assist|rustdesk|ultraviewer|"
        r"screen\s*shar\w*|remote\s+(?:access|control|desktop|app))\b.{0,30}\b(?:still|now|"
        r"open|running|active|connected)\b",
        r"\b(?:still|currently|now)\s+(?:connected|controlling|in\s+control|moving\s+the\s+"
        r"mouse|logged\s+in)\b.{0,40}\b(?:computer|laptop|pc|phone|screen|account|mac)\b",
        r"\b(?:connected|logged\s+in|on|in)\s+(?:to\s+)?my\s+(?:computer|laptop|pc|phone|screen|"
        r"mac)\s+(?:right\s+)?now\b",
        # someone else at the bank now ("my dad is at the bank now")
        r"\bat\s+the\s+(?:bank|atm|branch|money\s+changer)\s+(?:right\s+)?now\b",
        r"\b(?:has|have|got)\s+(?:still\s+)?(?:control|access)\s+(?:of|to)\s+my\s+(?:computer|"
        r"laptop|pc|phone|screen|mac)\b(?!.{0,20}\b(?:yesterday|last|ago)\b)",
    )
)

# Someone the reporter is telling the story for: "mak sy skrg ada kat bank", "my mum is at the
# bank now".
_MS_RELATIVE = (
    r"\b(?:mak|emak|ibu|mama|umi|ayah|abah|bapa|papa|nenek|atuk|tok|isteri|suami|wife|anak|"
    r"kakak|akak|abang|adik|pakcik|makcik|nenda)(?:\s+(?:saya|sy|aku|ku|i))?"
)
_MS_SUBJECT = (
    r"\b(?:dia|mereka|diorang|dorang|depa|pemanggil|penipu|scammer|pegawai|polis|orang\s+tu|"
    r"org\s+tu|lelaki\s+tu|perempuan\s+tu)"
)
_MS_MONEY_VERB = (
    r"(?:transfer|tf|pindah(?:kan)?|bayar|hantar\s+duit|keluarkan\s+duit|keluar\s+duit|"
    r"masukkan\s+duit|masuk\s+duit|deposit)"
)
_MS_NOW = (
    r"(?:sekarang|skrg|skang|sekarang\s+juga|hari\s+ini|harini|hari\s+ni|malam\s+ni|segera|cepat)"
)

# Malay: "dia masih dalam talian", "saya kat bank sekarang", "kurier nak datang ambil duit".
_CUES_MS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\b(?:masih|msih|still|tengah|sedang)\s+(?:dalam|dlm|kat|atas|on)\s+(?:talian|line|"
        r"panggilan|call|fon|phone|telefon)\b",
        _MS_SUBJECT + r"\s+(?:masih\s+|tengah\s+|sedang\s+)?(?:call|telefon|called|cakap\s+dengan|"
        r"bercakap\s+dengan|whatsapp|mesej)\s+(?:saya|aku|sy)\s+" + _MS_NOW + r"\b",
        r"\b(?:tengah|sedang|masih)\s+(?:call|telefon|cakap\s+dengan|bercakap\s+dengan)\s+"
        r"(?:saya|aku|sy|dia|mereka)\b",
        r"\b(?:jangan|tak\s+bagi(?:\s+saya)?|tidak\s+benarkan(?:\s+saya)?)\s+(?:letak|tutup|"
        r"putuskan|matikan|end|hang\s+up)\s*(?:telefon|fon|phone|call|panggilan|talian)?\b"
        r"(?!.{0,20}\b(?:semalam|minggu\s+lepas|hari\s+tu)\b)",
        r"\b(?:nak|akan|mahu|dalam\s+perjalanan|otw|on\s+the\s+way|sedang|tengah)\s+(?:datang|"
        r"ke\s+sini|ke\s+rumah)\b.{0,40}\b(?:ambil|kutip|collect|pick\s*up)\b",
        r"\b(?:kurier|courier|runner|despatch|dispatch|posmen|pegawai|seseorang|orang)\b.{0,40}"
        r"\b(?:nak\s+datang|akan\s+datang|dalam\s+perjalanan|otw|on\s+the\s+way|dah\s+sampai|"
        r"tengah\s+tunggu|sedang\s+tunggu)\b",
        r"\b(?:tengah|sedang|masih)?\s*tunggu\s+(?:saya\s+)?(?:kat|di|dekat|dkt)\s+(?:luar|bawah|"
        r"pintu|pagar|lobi|lobby|depan\s+rumah)\b",
        r"\b(?:saya|aku|sy|i)\s+(?:sekarang\s+|skrg\s+|tengah\s+|masih\s+|ada\s+|dah\s+)?"
        r"(?:kat|di|dekat|dkt|dalam|dlm)\s+(?:bank|atm|mesin\s+atm|cawangan|kaunter\s+bank|"
        r"money\s+changer|pejabat\s+pos)\b(?!.{0,12}\b(?:semalam|tadi|minggu\s+lepas|hari\s+tu)\b)",
        _MS_RELATIVE + r"\s+(?:(?:sekarang|skrg|skang|tengah|tgh|masih|ada|dah|sedang)\s+){1,3}"
        r"(?:kat|di|dekat|dkt|dalam|dlm)\s+(?:bank|atm|mesin\s+atm|cawangan|kaunter)\b"
        r"(?!.{0,12}\b(?:semalam|kelmarin|tadi|minggu\s+lepas|hari\s+tu)\b)",
        r"\b"
        + _MS_NOW
        + r"\b.{0,15}\b(?:suruh|minta|paksa|desak)\s+"
        + _MS_RELATIVE.removeprefix(r"\b")
        + r"\s+(?:untuk\s+)?"
        + _MS_MONEY_VERB
        + r"\b",
        r"\b(?:suruh|minta|paksa|desak)\s+"
        + _MS_RELATIVE.removeprefix(r"\b")
        + r"\s+(?:untuk\s+)?"
        + _MS_MONEY_VERB
        + r"\b.{0,40}\b"
        + _MS_NOW
        + r"\b",
        r"\b(?:saya|aku|sy)\s+(?:tengah\s+|sedang\s+)?(?:dalam\s+perjalanan|otw|on\s+the\s+way|"
        r"pergi)\s+ke\s+(?:bank|atm|cawangan)\b",
        # "sy nak transfer dah ni", "mak sy tengah transfer duit"; not "dia kata nak bayar bil"
        r"\b(?:saya|aku|sy|i|kami)\s+(?:nak|akan|baru\s+nak|hampir|tengah|sedang|bersedia\s+nak|"
        r"mahu)\s+" + _MS_MONEY_VERB + r"\b",
        r"\b(?:tengah|sedang)\s+" + _MS_MONEY_VERB + r"\b",
        r"\b(?:nak|akan|mahu)\s+" + _MS_MONEY_VERB + r"\b.{0,30}\b" + _MS_NOW + r"\b",
        r"\b(?:patut\s*(?:ke|kah)?|(?:perlu|kena|boleh)\s*(?:ke|kah))\s+(?:saya|aku|sy)\s+"
        + _MS_MONEY_VERB
        + r"\b",
        r"\b(?:suruh|minta|paksa|desak)\s+(?:saya|aku|sy)\s+(?:untuk\s+)?"
        + _MS_MONEY_VERB
        + r"\b.{0,40}\b"
        + _MS_NOW
        + r"\b",
        r"\b(?:sedang|tengah)\s+berlaku\b|\bberlaku\s+(?:sekarang|skrg)\b",
        # a threat still to pay: "kalau tak bayar dia nak sebar gambar", "ugut nak viral video"
        r"\b(?:ugut|ancam|mengugut|mengancam|nak|akan|mahu)\s+(?:nak\s+|untuk\s+|akan\s+)?"
        r"(?:sebar|sebarkan|viral|viralkan|hantar|post|share|upload|tunjuk)\w*\b.{0,50}"
        r"\b(?:gambar|video|vid|foto|rakaman|kawan|keluarga|family|mak|ayah|bos|facebook|fb)\b",
        r"\bkalau\s+(?:tak|tidak|x)\s+(?:bayar|transfer|tf|bagi|hantar\s+duit)\b",
        r"\b(?:anydesk|teamviewer|rustdesk|ultraviewer)\b.{0,30}\b(?:masih|tengah|sedang)\s*"
        r"(?:buka|bukak|on|jalan|connect|aktif)?\b",
        r"\b(?:masih|tengah|sedang)\s+(?:kawal|control|guna|akses)\s+(?:komputer|laptop|pc|"
        r"phone|fon|telefon|hp|skrin|akaun)\s+(?:saya|aku|sy)\b",
        # "tgh" is how "tengah" (in the middle of) is typed
        r"\b(?:masih|msih|tengah|tgh|sedang)\s+(?:dalam|dlm|kat|atas|on)\s+(?:the\s+)?(?:talian|"
        r"line|panggilan|call|fon|phone|telefon)\b",
        r"\b(?:masih|tengah|tgh|sedang)\s+(?:cakap|bercakap|borak|berbual|call|video\s*call|vc)\b",
        r"\b(?:tgh|tengah|sedang|masih)\s+(?:share\s+screen|kongsi\s+skrin|kawal|control|remote)\b",
        r"\b(?:call|telefon|ugut|mesej|whatsapp)\w*\b[^.,!?]{0,15}\b(?:skrg|sekarang|skang)\b",
        r"\b(?:tak|x|tidak)\s+(?:boleh|bagi)\s+(?:saya\s+|sy\s+)?(?:letak|tutup|end)\b",
        r"\bcall\s+(?:tu\s+)?(?:tgh|tengah|sedang|masih)\s+(?:on\s+)?hold\b",
        r"\b(?:suruh|minta|paksa)\s+(?:saya|aku|sy)\s+(?:pergi\s+|ke\s+)+(?:bank|atm)\b.{0,20}\b"
        + _MS_NOW
        + r"\b",
        r"\b(?:minta|mintak|tanya)\s+(?:otp|tac|pin|kod)\b.{0,20}\b(?:skrg|sekarang|skang)\b",
        # someone at the door now: "runner tu ada kat bawah skrg", "ada lelaki kat pintu"
        r"(?<!saya )(?<!sy )(?<!aku )\b(?:kat|di|dekat|dkt|depan|luar)\s+(?:bawah|pintu|pagar|"
        r"lobi|rumah)\b.{0,20}\b(?:skrg|sekarang|skang)\b",
        r"\bada\s+(?:orang|org|lelaki|perempuan|seseorang|runner|kurier|polis)\s+(?:kat|di|dekat|"
        r"dkt|depan)\s+(?:pintu|pagar|rumah|bawah)\b",
        r"\blagi\s+(?:\d+|sepuluh|lima|setengah)\s*(?:minit|jam)\s+(?:nak\s+)?(?:sampai|datang|"
        r"tiba)\b",
        r"\b(?:saya|aku|sy)\s+(?:tgh|tengah|sedang|masih)\s+\w+(?:\s+\w+)?\s+(?:kat|di|dekat|"
        r"dkt|dalam|dlm|luar|depan)\s+(?:bank|atm|cawangan|kaunter)\b",
        r"\b(?:duduk|tunggu|beratur)\s+(?:dlm\s+|dalam\s+)?(?:kereta\s+)?(?:kat\s+|di\s+|dekat\s+|"
        r"dkt\s+|luar\s+|depan\s+)(?:bank|atm)\b",
        r"\b(?:tgh|tengah|sedang|otw)\s+(?:drive\s+|memandu\s+)?(?:pergi\s+|ke\s+)+(?:bank|atm)\b",
        r"\b(?:tgh|tengah|sedang)\s+(?:beli|serah|bagi|hantar)\s+(?:kad|gift|google|itunes|"
        r"voucher|baucar|duit|wang|tunai|emas)\b",
        r"\b(?:saya|aku|sy)\s+nak\s+(?:tekan|klik|confirm|sahkan)\b",
    )
)

_ZH_PAST = re.compile(
    r"(?:昨天|前天|上周|上星期|上个月|上礼拜|那天|当时|去年|以前|之前|刚才不|早上的时候)"
)
_ZH_CLAUSE_END = re.compile(r"[，。！？,.!?；;\n]")
# Chinese: "他还在电话上", "快递员要来拿钱", "我现在在银行", "今天之前要付", "要把我的照片发给".
_CUES_ZH: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"还在(?:跟我|和我)?(?:打)?(?:电话|通话|线上|讲电话|视频)",
        r"(?:电话)?(?:还)?没(?:有)?挂(?:电话|断|线)?|(?:不让|不准)我挂|(?:叫|要)我(?:不要|别|不能)挂|"
        r"(?:不要|别|不能|不可以)挂(?:电话|断|线)?",
        r"(?:正在|还在|现在)(?:打电话|打给我|给我打电话|call我|跟我(?:讲|说|通话))",
        r"(?:快递员?|快递小哥|送货员|有人|他们|他|她|对方|警察|官员|人)(?:现在|马上|等一下|待会|等会|今天|今晚)?"
        r"(?:要来|会来|过来|来|正在来|在路上|快到了?|马上到)[^。！？]{0,12}(?:拿|取|收|领)",
        r"派(?:人|快递员?)(?:来|过来)",
        r"(?:在|到)(?:楼下|门口|家门口|我家楼下|外面)等(?:我)?",
        r"我(?:现在|正|正在|人|还|已经|刚)?(?:在|到了)(?:银行|ATM|提款机|取款机|柜员机|柜台|汇款处)",
        r"(?:在|正在)去银行|去银行的路上",
        r"(?:正要|正准备|准备|马上要|就要|快要|正在|打算|要不要|该不该|应该|需要)(?:去)?(?:转账|转钱|汇款|汇钱|付款|付钱|"
        r"交钱|取钱|提款|转过去|打钱|给钱)",
        r"(?:叫|让|要|逼|催)我(?:现在|马上|立刻|今天|赶快|快点)[^。！？]{0,6}(?:转|汇|付|交|取|打钱|给钱)",
        r"(?:今天|今晚|明天|\d+|[一二两三四五六七八九十半]+)(?:个)?(?:小时|点|分钟|天)?(?:之前|以前|内|之内)"
        r"[^。！？]{0,8}(?:付|转|汇|交|给钱|打钱|不然|否则)",
        r"(?:要|会|威胁(?:要|说)?|说要|扬言)(?:把|将)?(?:我的?)?[^。！？]{0,6}(?:照片|视频|裸照|录像|截图)"
        r"[^。！？]{0,6}(?:发给|发到|公开|曝光|散布|传给|传到)",
        r"(?:不给钱|不付钱|不转账|不然|否则|要不然)(?:的话)?(?:就|他就|她就|他们就)?(?:要|会)?"
        r"(?:把[^。！？]{0,10})?(?:发|公开|曝光|散布|寄|抓|逮捕|坐牢|起诉)",
        r"(?:正在|现在)发生",
        # a sextortion threat still to be carried out: "他说要发给我老婆", "不给他500今晚就发给"
        r"(?:说要|要|会|威胁(?:要)?|扬言)(?:把[^。！？]{0,10})?(?:发给|发到|公开|曝光|散布|传给)"
        r"[^。！？]{0,6}(?:老婆|老公|同事|朋友|家人|同学|父母|爸妈|老板|公司|群|网上|所有人|联系人|"
        r"亲戚|女朋友|男朋友)",
        r"不(?:给|付|转)(?:他|她|他们|钱)?[^，。！？]{0,12}(?:就|便)(?:要|会)?(?:把[^。！？]{0,10})?"
        r"(?:发|公开|曝光|散布)",
        r"(?:今晚|今天|明天|马上|立刻)(?:就)?(?:要|会)?(?:把[^。！？]{0,10})?(?:发给|发到|公开|曝光|散布)",
        r"(?:anydesk|teamviewer|远程)[^。！？]{0,10}(?:还)(?:开着|连着|在连|在用|没关)",
        r"(?:还在|正在)(?:控制|操作|远程)(?:我的)?(?:电脑|手机|账户|屏幕)",
        # "现在在…": where someone is, or what they are doing, right now
        r"现在(?:正|还|一直|又)?在(?:跟|和|电话|银行|ATM|提款机|柜台|楼下|门口|我家|家门口|门外|问|要|"
        r"共享|控制|远程|威胁|转|汇|提|打|视频|通话|讲|逼|催)",
        r"现在(?:正在|在)[^，。！？]{0,12}(?:买|转账|转钱|汇款|提款|提钱|付钱|交钱)",
        r"现在(?:正在)?(?:远程|控制|共享)",
        r"现在(?:一直|又|还)?(?:打给我|打来|call我|打电话给我)",
        r"现在(?:正)?在[^，。！？]{0,10}(?:威胁|逼|催|骚扰)",
        r"正在(?:跟|和)[^，。！？]{0,8}(?:视频|通话|讲电话|打电话|聊)",
        r"正在(?:银行|ATM|柜台|转账|转钱|汇款|付款|提款|取钱|远程|控制|共享)",
        r"还在(?:跟|和)[^，。！？]{0,6}(?:讲电话|通话|视频|打电话)|还在扬声器",
        r"(?:他|她|他们|有人|有个人|快递员?|那个人|骗子|警察)(?:现在)?(?:在|到了)(?:我家)?(?:楼下|门口|"
        r"家门口|外面)",
        r"(?:他|她|他们|骗子|对方)(?:现在)?在电话(?:上|里)(?:$|[，。！？,.!?])",
        r"(?:\d+|[一二两三四五六七八九十半]+)(?:个)?(?:分钟|小时)(?:后|以后|之后|内|之内)?"
        r"(?:会|要|就|再)*(?:到|来|打|冻结|被冻结|抓|付|转|交)",
        r"还有(?:\d+|[一二两三四五六七八九十半]+)(?:个)?(?:分钟|小时)",
        r"(?:给|限)我(?:\d+|[一二两三四五六七八九十半]+)(?:个)?(?:分钟|小时)",
        r"又打来了|不停(?:地)?打",
        r"(?:正要|快要|就要|准备)(?:按|点|确认)",
        r"现在[^，。！？]{0,4}去(?:银行|ATM)",
        r"电话(?:现在)?(?:暂停|hold|保持)",
        r"(?:现在|正在)(?:在)?(?:问|要)(?:我)?(?:的)?(?:OTP|验证码|密码|TAC)",
    )
)

# A payment deadline: "by tonight", "before 5pm", "within 24 hours", "until midnight".
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till|within|in\s+the\s+next|in)\s+(?:tonight|today|tomorrow|"
    r"midnight|noon|(?:\d{1,2}(?::\d\d)?\s*(?:am|pm))|(?:\d+|one|two|three|24|48)\s*"
    r"(?:hours?|hrs?|h\b|minutes?|mins?))\b",
    re.IGNORECASE,
)
_PAY_OR_THREAT = re.compile(
    r"\b(?:pay|send|transfer|post|leak|share|publish|arrest\w*|deadline|or\s+else)\b",
    re.IGNORECASE,
)

# Malay deadline: "sebelum malam ni", "dalam masa 24 jam", "hari ini juga" with a price or threat.
_DEADLINE_MS = re.compile(
    r"\b(?:sebelum|dalam\s+masa|dlm\s+masa|dalam|dlm|hingga|paling\s+lewat)\s+"
    r"(?:malam\s+ni|malam\s+ini|hari\s+ini|harini|hari\s+ni|esok|tengah\s+malam|pukul\s+\d{1,2}|"
    r"jam\s+\d{1,2}|\d+\s*(?:jam|minit|hari)|sejam|setengah\s+jam)\b|\b(?:bagi|beri)\s+(?:sejam|"
    r"setengah\s+jam|\d+\s*(?:jam|minit))\b",
    re.IGNORECASE,
)
_PAY_OR_THREAT_MS = re.compile(
    r"\b(?:bayar|transfer|tf|pindah\w*|hantar|sebar\w*|viral\w*|tangkap|ditangkap|tahan|ditahan|"
    r"waran|penjara|beku|dibekukan|freeze|polis\s+datang)\b",
    re.IGNORECASE,
)

# "not at the bank", "he was still on the line when ...", "semalam saya kat bank" (a past story)
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bno\s+longer|\bwas|\bwere|\bhad\s+been|\btak|\btidak|\bbukan|"
    r"\bsemalam|\bkelmarin|\btadi|\bdulu)\s*$",
    re.IGNORECASE,
)


def is_urgent(text: str) -> bool:
    """True when the message says the scam is going on now (caller on the line, courier coming,
    at the bank about to pay); past-tense stories are not urgent."""
    if not text:
        return False
    if _DEADLINE.search(text) and _PAY_OR_THREAT.search(text):
        return True
    for deadline in _DEADLINE_MS.finditer(text):
        if _PAY_OR_THREAT_MS.search(text[max(0, deadline.start() - 40) : deadline.end() + 40]):
            return True
    for cue in _CUES + _CUES_MS:
        for match in cue.finditer(text):
            before = text[max(0, match.start() - 12) : match.start()]
            if not _NEGATED_BEFORE.search(before):
                return True
    for cue in _CUES_ZH:
        for match in cue.finditer(text):
            clause = _ZH_CLAUSE_END.split(text[max(0, match.start() - 12) : match.start()])[-1]
            if not _ZH_PAST.search(clause):
                return True
    return False


# A threat or a demand still standing: to publish unless the reporter pays. Alone it tells
# nothing (a fake officer threatens arrest); beside a sextortion sign it is a live extortion.
_THREAT_NOW = re.compile(
    r"\b(?:threaten(?:s|ing)?|blackmail(?:s|ing)?|unless\s+(?:i|we)\s+(?:pay|send|transfer)|"
    r"if\s+(?:i|we)\s+(?:do\s*n[o']?t|dont|don’t)\s+(?:pay|send|transfer)|"
    r"(?:will|'ll|gonna|going\s+to)\s+(?:send|post|share|leak|expose|upload|spread)|"
    r"(?:ugut\w*|mengugut|diugut|peras\s+ugut)|(?:kalau|kalo|klu|jika|if)\s+(?:tak|x|tidak|"
    r"tk)\s+(?:bayar|transfer|tf|hantar\s+duit)|(?:nak|akan|mahu|mau)\s+(?:sebar|viral|tular|"
    r"hantar|post|upload)\w*|demand(?:s|ing)?|(?:asks?|asking|wants?)\s+(?:me\s+)?(?:for\s+)?"
    r"(?:money|cash|\$|s\$|rm|usd|\d)|minta\w*\s+(?:duit|wang|bayaran|rm|\d))"
    r"|威胁|勒索|敲诈|恐吓|要钱|向我要|要我(?:给|付|转|汇)|(?:不|没)(?:给|付|转|汇)[^。！？]{0,16}(?:就|便)|否则|要不然|不然就",
    re.IGNORECASE,
)


def threatens_now(text: str) -> bool:
    """True when ``text`` carries a standing threat or an ultimatum ("he says he will send it
    to my family unless I pay", "dia ugut nak sebar", "不给钱就发给我家人")."""
    return bool(text) and bool(_THREAT_NOW.search(text))
