from raksa.triage.places import find_places


def provinces(text: str) -> tuple[str, ...]:
    return find_places(text).province_codes


class PlacesTests:
    def test_it_reads_province_prefixes(self):
        assert provinces("อยู่ จ.เชียงใหม่") == ("50",)
        assert provinces("บ้านอยู่จังหวัดขอนแก่น") == ("40",)

    def test_it_reads_the_capital_district_with_the_province_anywhere(self):
        places = find_places("อ.เมือง จ.ขอนแก่น")
        assert places.province_codes == ("40",)
        assert places.district_codes == ("4001",)
        assert find_places("อำเภอเมืองขอนแก่น").district_codes == ("4001",)

    def test_it_reads_subdistrict_and_district(self):
        places = find_places("ต.สุเทพ อ.เมืองเชียงใหม่")
        assert places.subdistrict_codes == ("500108",)
        assert places.district_codes == ("5001",)
        assert places.province_codes == ("50",)

    def test_it_reads_bangkok_khet_and_khwaeng(self):
        places = find_places("เขตบางรัก แขวงสีลม")
        assert places.province_codes == ("10",)
        assert places.district_codes == ("1004",)
        assert places.subdistrict_codes == ("100402",)

    def test_it_reads_the_names_people_use_for_bangkok(self):
        for text in ("อยู่กทม.ค่ะ", "กรุงเทพฯ", "กรุงเทพมหานคร", "in Bangkok", "BKK"):
            assert provinces(text) == ("10",), text

    def test_it_finds_the_area_of_an_address_with_only_a_postal_code(self):
        places = find_places("ที่อยู่ 10500")
        assert places.postal_codes == ("10500",)
        assert places.province_codes == ("10",)
        assert places.district_codes == ("1004",)

    def test_it_does_not_read_amounts_as_postal_codes(self):
        assert find_places("ติดหนี้ 50000 บาท").postal_codes == ()
        assert find_places("ยืมเงินนอกระบบ 30000").postal_codes == ()

    def test_it_does_not_read_house_or_room_numbers_as_postal_codes(self):
        assert find_places("บ้านเลขที่ 50000").postal_codes == ()
        assert find_places("ห้อง 10110").postal_codes == ()

    def test_it_reads_english_names(self):
        assert provinces("she is in Chiang Mai now") == ("50",)
        assert provinces("Khon Kaen province") == ("40",)
        assert find_places("in Bang Rak district").district_codes == ("1004",)

    def test_it_does_not_fire_on_everyday_words_that_are_province_names(self):
        assert provinces("ไม่ได้ไปไหนเลย") == ()
        assert provinces("ตากผ้าอยู่หลังบ้าน") == ()
        assert provinces("เชื้อแพร่ระบาด") == ()
        assert provinces("my nan is sick") == ()

    def test_it_reads_ambiguous_province_names_with_a_prefix_or_a_location_word(self):
        assert provinces("จ.เลย") == ("42",)
        assert provinces("อยู่ยะลาค่ะ") == ("95",)
        assert provinces("in Nan province") == ("55",)

    def test_it_needs_the_province_for_a_district_name_found_in_several(self):
        assert find_places("อ.จอมทอง").district_codes == ()
        assert find_places("อ.จอมทอง จ.เชียงใหม่").district_codes == ("5002",)

    def test_it_reads_well_known_places(self):
        assert provinces("แถวสยาม") == ("10",)
        assert provinces("ถนนข้าวสาร") == ("10",)
        assert find_places("พัทยา").district_codes == ("2004",)
        assert provinces("หาดป่าตอง") == ("83",)
        assert provinces("แถวนิมมาน") == ("50",)
        assert provinces("หัวหิน") == ("77",)

    def test_it_keeps_the_order_of_mention(self):
        assert provinces("เห็นที่กรุงเทพ แล้วก็เห็นอีกทีที่เชียงใหม่") == ("10", "50")

    def test_it_finds_nothing_in_text_without_places(self):
        assert find_places("ขอความช่วยเหลือด้วยค่ะ") == find_places("")

    def test_it_reads_bangkok_roads_sois_and_stations(self):
        assert provinces("ห้องเช่าในซอยลาดพร้าว 101") == ("10",)
        assert provinces("มีคนนอนอยู่ใต้สะพานลอยหน้าสถานีสะพานควาย") == ("10",)
        assert provinces("ร้านอาหารแถวซอยนานาไม่ยอมจ่ายเงินเด็ก") == ("10",)
        assert provinces("begging near Phrom Phong BTS every night") == ("10",)

    def test_it_reads_a_road_that_runs_into_other_provinces_as_bangkok_only_alone(self):
        assert provinces("ข้างปั๊มบนถนนพหลโยธิน") == ("10",)
        assert provinces("ถนนพหลโยธิน อ.เมือง จ.ลำปาง") == ("52",)

    def test_it_reads_the_short_names_people_use_for_provinces(self):
        assert provinces("ตอนนี้อยู่โคราชค่ะ") == ("30",)
        assert provinces("ไปทำงานที่สุพรรณ") == ("72",)
        assert provinces("บ้านอยู่เมืองกาญ") == ("71",)
        assert provinces("ช่วยด้วยค่ะ อุดร") == ("41",)
        # สองแคว is Phitsanulok's old name; a place word before it says it is the town, not two rivers.
        assert provinces("ตอนนี้อยู่สองแควค่ะ มีคนถือมีด") == ("65",)
        assert provinces("บ้านริมน้ำตรงที่แม่น้ำสองแควมาบรรจบกัน") == ()

    def test_it_reads_a_landmark_spelt_the_way_people_type_it(self):
        assert provinces("pom yoo na hua lampong krub") == ("10",)

    def test_it_does_not_read_a_short_name_after_a_title_as_a_province(self):
        assert provinces("นายอุดร ใจดี ป่วยติดเตียง") == ()

    def test_it_reads_a_district_name_found_in_one_province_only(self):
        assert find_places("อยู่ที่กุมภวาปี").province_codes == ("41",)
        assert provinces("นอนข้างทางแถวสูงเนิน") == ("30",)

    def test_it_reads_a_province_name_after_a_road_word_as_the_road(self):
        assert provinces("ซอยเพชรบุรี 5 ราชเทวี") == ("10",)
        assert provinces("กลางถนนเพชรบุรีตัดใหม่") == ("10",)
        assert provinces("ถนนเพชรบุรี จ.เพชรบุรี") == ("76",)

    def test_it_does_not_fire_on_words_that_are_also_place_names(self):
        assert provinces("ไม่มีข้าวสารเหลือในบ้านเลย") == ()
        assert provinces("มีดพร้าวอยู่ในมือ") == ()
        assert provinces("บ่อนไก่ชนเถื่อนท้ายหมู่บ้าน") == ()
        assert provinces("ปัญหาสังคมในชนบท") == ()

    def test_it_leaves_out_where_someone_comes_from_when_the_event_is_elsewhere(self):
        assert provinces("ย้ายจากยะลา มาอยู่หาดใหญ่") == ("90",)
        assert provinces("น้องเป็นคนอุบลมาทำงานที่ร้านย่านห้วยขวาง") == ("10",)
        assert provinces("ขอเงินค่าเดินทางกลับบ้านที่นครพนม ถูกนายจ้างโกงที่กรุงเทพ") == ("10",)
        assert provinces("beggar at Surat Thani pier, says she is from Nakhon Si Thammarat") == ("84",)

    def test_it_keeps_where_someone_comes_from_when_nothing_else_is_named(self):
        assert provinces("ย้ายมาจากยะลา ไม่มีงานทำ") == ("95",)
        assert provinces("she is from Chiang Mai") == ("50",)

    def test_it_prefers_the_address_over_a_province_named_in_passing(self):
        places = find_places("หลานอยู่กรุงเทพ โทรหาใครไม่ได้ บ้านยายอยู่ อ.พล ขอนแก่น")
        assert places.province_codes == ("40",)
        assert provinces("แม่ไปทำงานที่กรุงเทพ หนูอยู่ พะเยา ดอกคำใต้") == ("56",)
        assert provinces("หนูอยู่หอที่ขอนแก่น บ้านอยู่ อ.กุมภวาปี อุดร") == ("41",)

    def test_it_keeps_a_province_written_formally_next_to_an_address(self):
        assert provinces("ถูกพาไปขังที่ จ.ระยอง บ้านอยู่ อ.พล ขอนแก่น") == ("21", "40")

    def test_it_reads_a_local_name_followed_by_another_province_as_that_province(self):
        assert provinces("ร้านคาราโอเกะแถวปากน้ำ ระนอง") == ("85",)
        assert provinces("หอพักแถวประตูน้ำพระอินทร์ อยุธยา") == ("14",)

    def test_it_reads_ambiguous_province_names_after_an_institution(self):
        assert provinces("ที่ตลาดสดเทศบาลยะลาอาละวาด") == ("95",)
        assert provinces("โกดังใกล้ท่าเรือระนอง") == ("85",)
        assert provinces("ตรงทางแยกเข้าชุมพร") == ("86",)

    def test_it_reads_ambiguous_english_names_after_a_preposition(self):
        assert provinces("locked in a farm house in Trang. please come") == ("92",)
        assert provinces("last seen at a guesthouse in Pai") == ("58",)
        assert provinces("mai pai tee nai") == ()

    def test_it_finds_a_name_that_starts_inside_one_that_does_not_count(self):
        assert provinces("จุดแจกอาหารย่านราชดำเนินค่ะ") == ("10",)

    def test_it_does_not_read_words_that_hold_a_place_name(self):
        assert provinces("หน้าร้านเกมแถวตลาดไทย-ลาว") == ()

    def test_it_reads_a_weak_name_as_elsewhere_when_a_district_is_named(self):
        assert provinces("ปาร์ตี้ฟูลมูนเถื่อนในโกดัง อ.สัตหีบ") == ("20",)
        assert provinces("ปาร์ตี้ฟูลมูนที่หาดริ้น") == ("84",)

    def test_it_reads_english_district_names_after_a_preposition_with_loose_spelling(self):
        assert provinces("a gambling den in a rice shop in Phra Pradaeng") == ("11",)
        assert provinces("living with a man in our village in Mae Chaem") == ("50",)
        assert provinces("a bungalow at Koh Phangan, kids there") == ("84",)
        assert provinces("a bungalow at Ko Pha-ngan, kids there") == ("84",)
        assert provinces("Pra Pradaeng district") == ("11",)
        assert provinces("see you in Sunday school") == ()

    def test_it_reads_famous_english_area_names(self):
        assert provinces("Full moon after-party at a bungalow on Haad Rin") == ("84",)
        assert provinces("party on Had Rin beach") == ("84",)
        assert provinces("kids begging at the entrance of Walking Street every night") == ("20",)

    def test_it_ignores_a_hyphen_inside_a_thai_name(self):
        assert provinces("ร้านคาราโอเกะที่ อ.สุไหงโก-ลก") == ("96",)
        assert provinces("ร้านคาราโอเกะที่ อ.สุไหงโกลก") == ("96",)

    def test_it_reads_famous_temples_bridges_and_piers(self):
        assert provinces("ยายขอทานที่หน้าวัดหลวงพ่อโสธร") == ("24",)
        assert provinces("ป้าที่นอนหน้าวัดพระสิงห์") == ("50",)
        assert provinces("เด็กแว้นแข่งรถบนสะพานติณสูลานนท์") == ("90",)
        assert provinces("เสพยาใต้สะพานเดชาติวงศ์ทุกคืน") == ("60",)
        assert provinces("เรือจอดอยู่ท่าเทียบเรือระนอง") == ("85",)
        assert provinces("ลุงอยู่ในตึกแถวตลาดน้อย") == ("10",)

    def test_it_drops_where_someone_went_to_work_or_for_treatment(self):
        assert provinces("ยายอยู่คนเดียว ลูกหลานไปทำงานกรุงเทพหมด ยายล้มในห้องน้ำ") == ()
        assert provinces("แม่ต้องไปคีโมที่อุบลพรุ่งนี้แต่ไม่มีค่ารถ") == ()
        assert provinces("A guy on the night bus to Chiang Mai. Bus just pulled into Lampang terminal.") == (
            "52",
        )
        assert provinces("ไปทำงานที่ระยอง ตอนนี้ถูกขังอยู่ อ.เมืองจันทบุรี") == ("22",)
        assert provinces("ไปทำงานที่สุพรรณ") == ("72",)

    def test_it_does_not_read_an_everyday_phrase_as_a_bangkok_district(self):
        assert provinces("สายด่วน 1300 วันหยุดรับสายไหม") == ()


class RoundTwoPlacesTests:
    """Places named the way people name them at 2 a.m.: nicknames, English spellings, the reporter's home."""

    def test_it_reads_province_nicknames(self) -> None:
        assert provinces("ตอนนี้อยู่นนท์ค่ะ") == ("12",)
        assert provinces("พี่สาวอยู่โคราช") == ("30",)
        assert provinces("อยู่กรุงเก่า") == ("14",)
        assert provinces("อยู่เมืองย่าค่ะ") == ("30",)
        assert provinces("ไปรพ.ที่เมืองดอกบัว") == ("34",)
        assert provinces("แถวหาดใหญ่") == ("90",)
        assert provinces("my kid in Nont") == ("12",)

    def test_it_reads_bangkok_districts_in_english_as_people_spell_them(self) -> None:
        for text, district in (
            ("in Sathorn", "1028"),
            ("Prakanong soi 5", "1009"),
            ("Bangkapi", "1006"),
            ("Bangkhen", "1005"),
            ("Thonburi", "1015"),
            ("Ladkrabang", "1011"),
            ("Jatujak market", "1030"),
            ("Huay Kwang", "1017"),
            ("Klong Toey", "1033"),
        ):
            found = find_places(text)
            assert found.province_codes == ("10",), text
            assert found.district_codes == (district,), text

    def test_it_reads_well_known_hospitals_and_stations_in_english(self) -> None:
        assert provinces("she is in Suan Prung hospital") == ("50",)
        assert provinces("Srithanya hospital") == ("12",)
        assert provinces("I reported at Ban Phai police station") == ("40",)
        assert find_places("Thonglor police station").district_codes == ("1039",)

    def test_it_puts_the_event_before_the_reporters_home(self) -> None:
        assert provinces("I live in Korat, my sister in Chonburi is locked in") == ("20",)
        assert provinces("ผมอยู่โคราช น้องสาวอยู่ชลบุรีถูกขังอยู่") == ("20",)
        assert provinces("ลูกหนูอยู่ชลบุรี หนูอยู่ระยอง ลูกโดนขัง") == ("20",)

    def test_it_keeps_the_reporters_home_when_the_report_is_about_the_reporter(self) -> None:
        assert provinces("หนูอยู่ขอนแก่น แฟนตีหนูทุกวัน") == ("40",)
        assert provinces("I live in Korat") == ("30",)
        assert provinces("ผมอยู่โคราช ไปเที่ยวชลบุรี") == ("30", "20")

    def test_a_province_someone_used_to_live_in_is_in_passing(self) -> None:
        assert provinces("เคยอยู่เมืองดอกบัวตอนเด็ก ตอนนี้อยู่สมุทรปราการ") == ("11",)
