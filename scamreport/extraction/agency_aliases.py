"""Default names and aliases of organisations scammers claim to be (canonical name -> aliases).

The agency registry passes its own table in production; this one keeps extraction useful alone.
Where the registry lists the same agency, the canonical name is the registry's, so values do not
change when the registry's table is passed in.
"""

from __future__ import annotations

DEFAULT_AGENCY_ALIASES: dict[str, list[str]] = {
    "International Criminal Police Organization": ["Interpol", "INTERPOL", "International Criminal Police Organization", "ICPO",
                 "International Police", "国际刑警"],
    "Singapore Police Force": ["Singapore Police Force", "SPF", "Singapore Police",
                               "police Singapore", "Singapore police officer",
                               "新加坡警察", "新加坡警方", "polis Singapura"],
    "Ministry of Public Security of the People's Republic of China": ["Ministry of Public Security", "公安局", "公安部", "公安",
                                           "Shanghai police", "China police", "Chinese police",
                                           "Beijing police", "Guangzhou police", "Shenzhen police",
                                           "PSB", "Public Security Bureau"],
    "Hong Kong Police Force": ["Hong Kong Police Force", "Hong Kong Police", "HK police", "HKPF",
                               "香港警察", "香港警务处"],
    "Royal Malaysia Police": ["Royal Malaysia Police", "PDRM", "Polis Diraja Malaysia",
                              "Malaysian police", "Malaysia police", "Bukit Aman",
                              "马来西亚警察", "大马警察", "马来西亚警方", "polis Malaysia",
                              "IPD", "Ibu Pejabat Polis Daerah", "IPK",
                              "Ibu Pejabat Polis Kontinjen"],
    "Central Bureau of Investigation": ["Central Bureau of Investigation", "CBI",
                                                "Indian CBI"],
    "Mumbai Police": ["Mumbai Police", "Mumbai cyber police", "Mumbai crime branch"],
    "Delhi Police": ["Delhi Police", "Delhi cyber police", "Delhi crime branch"],
    "Metropolitan Police Service": ["Metropolitan Police Service", "Metropolitan Police",
                                    "Met Police", "Scotland Yard", "London police"],
    "Report Fraud (formerly Action Fraud)": ["Action Fraud", "Report Fraud"],
    "HM Revenue & Customs": ["HMRC", "HM Revenue and Customs", "HM Revenue & Customs",
                             "Her Majesty's Revenue and Customs",
                             "His Majesty's Revenue and Customs"],
    "Federal Bureau of Investigation": ["Federal Bureau of Investigation", "FBI"],
    "Internal Revenue Service": ["Internal Revenue Service", "IRS"],
    "U.S. Customs and Border Protection": ["U.S. Customs and Border Protection",
                                           "US Customs and Border Protection", "US Customs",
                                           "U.S. Customs", "American customs", "CBP"],
    "Australian Federal Police": ["Australian Federal Police", "AFP"],
    "Australian Taxation Office": ["Australian Taxation Office", "Australian Tax Office", "ATO"],
    "European Union Agency for Law Enforcement Cooperation": ["Europol", "European Police Office"],
    "Bank security team": ["bank security team", "bank's security team", "bank security department",
                           "bank fraud team", "bank's fraud team", "bank fraud department",
                           "bank's fraud department", "fraud department of the bank",
                           "security team of the bank", "bank anti-fraud team"],
    "Customs": ["customs", "customs officer", "customs department", "customs office",
                "customs authority", "海关", "kastam", "pegawai kastam", "jabatan kastam", "kastam", "pegawai kastam", "Jabatan Kastam"],
    "Immigration": ["immigration", "immigration officer", "immigration department",
                    "immigration office", "immigration authority", "移民局", "imigresen",
                    "pegawai imigresen"],
    "Embassy": ["embassy", "consulate", "embassy officer", "大使馆", "领事馆", "kedutaan",
                "konsulat"],
    "Court": ["court", "the court", "court officer", "high court", "district court", "法院",
              "mahkamah"],
}  # fmt: skip

# Words so common in ordinary sentences ("I will go to court", "the embassy closed") that they
# only count as a claimed agency when the sentence says someone claimed or came from them.
GENERIC_ALIASES: frozenset[str] = frozenset(
    {
        "customs", "customs officer", "customs department", "customs office",
        "customs authority", "海关", "kastam", "pegawai kastam", "jabatan kastam",
        "immigration", "immigration officer", "immigration department", "immigration office",
        "immigration authority", "移民局", "imigresen", "pegawai imigresen",
        "embassy", "consulate", "embassy officer", "大使馆", "领事馆", "kedutaan", "konsulat",
        "court", "the court", "court officer", "high court", "district court", "法院", "mahkamah",
        "international police",
    }
)  # fmt: skip
