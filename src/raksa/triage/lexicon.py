"""Cue phrases for triage: what a call-taker listens for, in Thai (formal, colloquial, misspelt) and English.

The lexicon does three jobs: its matches are features for the statistical model, they are the evidence shown
to the call-taker, and they carry the negation and past-tense reading ("ไม่ได้ถูกขัง", "เมื่อปีที่แล้วเคยถูกขัง ตอนนี้
ปลอดภัยแล้ว") that character n-grams cannot see. Phrases are matched on `normalize()`d text (lower-cased,
elongation collapsed), longest first, so "ขู่จะฆ่า" wins over "ฆ่า".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# fmt: off
EMERGENCY_CUES: dict[str, tuple[str, ...]] = {
    "threat": (
        "ขู่ฆ่า", "ขู่จะฆ่า", "ขู่จะทำร้าย", "ขู่ทำร้าย", "ขู่จะยิง", "ขู่ยิง", "ขู่จะแทง", "ขู่จะเผา", "ขู่จะตัด",
        "ข่มขู่", "ขู่กรรโชก", "ถูกขู่", "โดนขู่", "มาขู่", "ขู่ว่า", "ขู่", "รีดไถ", "แบล็คเมล์", "ทวงหนี้",
        "ถือมีด", "ถือปืน", "ถือขวาน", "ถือดาบ", "ถือไม้", "ถือเสียม", "ถือมีดขู่", "พกปืน", "พกมีด", "ชักมีด",
        "เอามีด", "เอาปืน", "มีดปังตอ", "มีดอีโต้", "อีโต้", "มีด", "ปืน", "ขวาน", "ดาบ", "อาวุธ", "จ่อหัว", "จ่อคอ",
        "จ่อ", "จี้", "ไล่ฟัน", "ไล่แทง", "ไล่ยิง", "ไล่ตี", "จะยิง", "จะแทง", "จะฆ่า", "ฆ่า", "ตายกันไปข้าง",
        "ต้องตาย", "ราดน้ำมัน", "น้ำกรด", "เผาบ้าน", "เผาห้อง", "ทำร้าย", "จะมาทำร้าย", "ดักรอ", "ดักปล้น", "ปล้น",
        "threaten", "threatened", "threatening", "threat", "knife", "gun", "machete", "weapon", "kill", "stab",
        "shoot", "pointing a gun", "hurt me", "hurt us", "trying to hurt", "blackmail", "extort", "acid",
        "waving a gun", "with a knife", "เอาให้ตาย", "ตามฆ่า", "เอาชีวิต", "ขู่เอาชีวิต", "ลับมีด", "ปืนพก", "ปืนลูกซอง",
        "ปืนยาว", "ชี้ปืน", "จ่อปืน", "ขวดแตก", "กรรไกร", "ค่าคุ้มครอง", "กระทืบ", "going to kill", "gonna kill", "will kill",
        "death threat", "pistol", "pulled a gun", "hammer", "burn down", "knives", "guns", "fighting with",
        "มีดพร้า", "พร้า", "มีดทำครัว", "มีดคัตเตอร์", "คัตเตอร์", "มีดพก", "ไม้เบสบอล", "ไม้หน้าสาม", "ยิงทิ้ง",
        "ยิงขึ้นฟ้า", "ยิงให้ตาย", "แทงให้ตาย", "ตีให้ตาย", "ฆ่าทั้งบ้าน", "สาดน้ำกรด", "ตัดนิ้ว", "มาซ้อม", "โดนซ้อม", "จะซ้อม", "ซ้อมคน",
        "มาเอาเรื่อง", "ปล่อยคลิป", "ปล่อยรูป", "คลิปหลุด", "แฉรูป", "ประจาน", "ขู่ฆ่า", "ขู่เอาเงิน", "รูปปืน",
        "เอาชีวิต", "ขู่ว่าจะ", "บอกว่าจะฆ่า", "ตามมาถึงบ้าน", "ดักทำร้าย", "จะตามไปฆ่า",
        "he will kill", "will hurt", "going to hurt", "baseball bat", "threatens", "leak my", "leak her",
        "sextortion", "cutter", "axe", "crowbar", "outside my door",
        # Extortion, ransom and harm promised with a deadline; violence against a pregnant woman; bombs.
        "ถ้าไม่โอน", "ส่งส่วย", "จะหักแขน", "จะหักขา", "หักแขนอีก", "เตะท้อง", "ถีบท้อง", "ต่อยท้อง", "ทำร้ายคนท้อง",
        "บีบคอ", "จะมาฆ่า", "สาดน้ำมัน", "วางระเบิด", "ระเบิด", "ปาระเบิด", "จะเผา", "ขู่จะทำร้าย",
        "kick my belly", "kick her belly", "kick my stomach", "punch my belly", "strangle", "strangled", "bomb",
        "pay or", "break your", "break his", "break her",
        # Harm promised to whoever is in the way; a gang with swords surrounding a house.
        "break my", "beat anyone", "beat up", "จะฟัน", "ฟันให้ตาย", "ยืนล้อม", "ล้อมบ้าน",
    ),
    "detention": (
        "ถูกขัง", "โดนขัง", "ขังไว้", "ถูกกักขัง", "กักขัง", "กักขังหน่วงเหนี่ยว", "กักตัว", "ถูกกักตัว", "กักไว้",
        "ขังตัว", "ขังอยู่", "ขังในห้อง", "จับขัง", "ขัง", "ล่ามโซ่", "ล่ามไว้", "ล่าม", "มัดมือ", "จับมัด", "ล็อกห้อง",
        "ล็อคห้อง", "ล็อกประตู", "ล็อคประตู", "ล็อกบ้าน", "ล็อคบ้าน", "ล็อคไว้", "ล็อกไว้", "ล็อคกุญแจ", "ล็อกกุญแจ",
        "ไม่ให้ออก", "ไม่ให้ออกไปไหน", "ออกไปไหนไม่ได้", "ออกไม่ได้", "ไม่ให้กลับบ้าน", "ไม่ให้ขึ้นฝั่ง",
        "ไม่ยอมให้ลง", "ยึดพาสปอร์ต", "ยึดบัตร", "ยึดโทรศัพท์", "ยึดมือถือ", "จับตัว", "ตัวประกัน", "เรียกค่าไถ่",
        "ช่วยพาออก", "ช่วยหนูออก", "กรงเหล็ก", "กรงหมา", "กรงไม้",
        "locked in", "locked me", "locked inside", "lock us", "lock the door", "locked the door", "locked up",
        "held against", "being held", "are held", "held in", "trapped", "cannot leave", "can't leave",
        "wont let me leave", "won't let me leave", "wont let us leave", "wont let her go", "chained",
        "took our passports", "keeps our passports", "took my phone", "kidnapped", "cannot get out", "ห้ามออก",
        "ไม่ให้ไปไหน", "ไม่ให้ออกจาก", "ขังลืม", "ผูกขา", "ออกมาไม่ได้", "ติดอยู่ในตึก", "เฝ้าประตู", "not allowed to leave",
        "held captive", "captive", "hostage", "won't let me out", "won't let me go", "keep us in", "kept in", "confined",
        "can't get out", "locked me in", "ถูกล็อค", "ถูกล็อก", "ล็อคอยู่", "ล็อกอยู่",
        "ใส่กุญแจ", "กุญแจมือ", "คล้องโซ่", "เอาโซ่", "โซ่คล้อง", "ปิดล็อก", "ปิดล็อค", "ยึดกุญแจ", "ประตูถูกล็อก",
        "ไม่ยอมปล่อย", "ไม่ปล่อยตัว", "ค่าไถ่", "ถูกมัด", "โดนมัด", "มัดไว้", "จับไปขัง", "ขังมา", "ล็อกจากข้างนอก",
        "ล็อคจากข้างนอก", "ไม่ให้ออกมา", "ห้ามออกไป", "ยึดพาสปอร์ต", "ยึดหนังสือเดินทาง", "เก็บพาสปอร์ต",
        "padlocked", "padlock", "locks her", "locks him", "locks them", "locks me", "locks us", "locked inside",
        "won't let them", "wont let them", "not let them", "kept on board", "kept inside", "keep her inside",
        "take our phones", "took their passports", "took her passport", "took his passport", "held in a compound",
        "tied up", "ransom", "imprisoned",
        "ลักพาตัว", "จับลูกไว้", "จับตัวไป", "จับตัวลูก", "ถูกผูก", "ผูกไว้", "ผูกขาไว้", "ผูกมัด", "ขังลูก",
        "kidnap", "kidnapping", "abducted", "abduct",
    ),
    "abuse_risk": (
        "ลวนลาม", "ล่วงละเมิด", "ข่มขืน", "ขืนใจ", "ปล้ำ", "อนาจาร", "ลูบคลำ", "จับหน้าอก", "จับตัว", "แอบถ่าย",
        "รูปโป๊", "คลิปโป๊", "ขอดูรูป", "ส่งรูปโป๊", "นัดเจอ", "ไปค้างคืน", "ค้างคืน", "ไปนอนด้วย", "นอนด้วย",
        "เข้าห้อง", "ม่านรูด", "พาเข้าโรงแรม", "โรงแรม", "ขายบริการ", "ขายตัว", "ค้าประเวณี", "ไปกับแขก", "ให้แขก",
        "เพศสัมพันธ์", "ลามก", "พูดจาลามก", "เปิดอวัยวะเพศ", "ชวนขึ้นรถ", "ชวนเด็ก", "ล่อลวง", "ลากเข้า", "ลากขึ้นรถ",
        "พาขึ้นห้อง", "พาขึ้นรถ", "grooming", "groom", "touching me", "touch me", "harass", "harassing", "rape",
        "sexual", "molest", "nude", "nudes", "sleep with", "sleep over", "sell sex", "stalking", "grab me",
        "lure", "peeping", "filming", "drugged", "forces himself", "forcing", "จับก้น", "จูบ", "ถอดเสื้อ", "ถอดกางเกง",
        "ถอดเสื้อผ้า", "มอมเหล้า", "มอมยา", "ใส่ยาในแก้ว", "โชว์ของลับ", "ตื๊อ", "จับนม", "into my bed", "inappropriately", "undress",
        "naked", "spiked", "entertain men",
        "จับขา", "จับแขน", "จับต้นขา", "จับตัวแบบแปลก", "ชวนไปนอน", "นอนค้าง", "ขอรูปโป๊", "ส่งรูป", "แมวมอง",
        "ขายเด็ก", "จองตัว", "ออกไปกับแขก", "ไปกับลูกค้า", "นั่งดริ้ง", "นั่งดริ๊ง", "ดริ้งค์", "นอนกับ",
        "เข้ามาในห้อง", "พาเข้าบาร์", "ดึงผ้าห่ม", "ดึงเสื้อ", "คนโรคจิต", "ถ้ำมอง", "ส่งคลิป",
        "go with a customer", "with customers", "sleep with customers", "private room", "bring no friends",
        "come to my room", "into her room", "into my room", "send photos", "sexy photos", "pay her debt",
        "take off her clothes", "take off his clothes", "touched her", "touched him", "touches her", "groped",
        "flashing", "indecent",
        # Forced sex work and being made to sleep with someone; a man forcing his way into a girl's room.
        "รับแขก", "ต้องรับแขก", "ให้รับแขก", "บังคับให้รับแขก", "ไปรับแขก", "บังคับขายตัว", "บังคับให้ขายตัว",
        "ให้ไปขายตัว", "ต้องขายตัว", "บังคับให้นั่งดริ้ง", "ต้องนอนด้วย", "ต้องนอนกับ", "นั่งกับแขก", "งัดประตู",
        "พยายามเข้ามาในห้อง", "พยายามเข้าห้อง", "พยายามเปิดประตู", "พาไปโรงแรม",
        "make me sleep with", "forced to sleep with", "force me to sleep with", "forcing me to sleep",
        "sell my body", "trying to open my door", "trying to get into my room", "trying to break in",
        "ทำอะไรไม่ดี", "ทำมิดีมิร้าย", "มิดีมิร้าย",
    ),
    "frenzy": (
        "คลุ้มคลั่ง", "คลั่ง", "คลั้ง", "อาละวาด", "อาระวาด", "ควบคุมตัวเองไม่ได้", "ห้ามไม่อยู่", "ห้ามไม่ได้", "หลอน",
        "หูแว่ว", "เมายา", "เมายาบ้า", "อาการทางจิต", "ขาดยา", "จิตเวช", "ทุบข้าวของ", "ทุบของ", "ทำลายข้าวของ",
        "พังบ้าน", "พังประตู", "ขว้าง", "ขว้างปา", "กรีดร้อง", "ทำร้ายตัวเอง", "ฆ่าตัวตาย", "จะกระโดด", "คนบ้า",
        "ไม่ปกติ", "ไล่ชก", "ไล่ทุบ", "ทุบตี", "ตัวประกัน",
        "going crazy", "crazy", "out of control", "rampage", "running amok", "amok", "psychotic", "breakdown",
        "hallucinating", "paranoid", "smashing", "breaking everything", "breaking windows", "raging", "high on",
        "on meth", "on ice", "attacking", "destroying", "สติแตก", "ภาพหลอน", "หวาดระแวง", "หลุด", "โวยวาย", "ทุบกระจก",
        "ไล่ชน", "violent", "schizophrenia", "throwing", "screaming", "rampaging", "lost his mind", "junkie",
        "ขู่จะกระโดด", "ขู่ว่าจะกระโดด", "จะกระโดดตึก", "จะโดด", "ปีนระเบียง", "ปีนหลังคา", "ปีนเสา", "กรีดแขน",
        "กรีดข้อมือ", "โขกหัว", "เอาหัวโขก", "แก้ผ้าวิ่ง", "แก้ผ้า", "ตะโกนด่า", "ตะโกนไม่รู้เรื่อง", "คุมไม่อยู่",
        "จับไม่อยู่", "หลอนว่า", "ระแวงว่า", "เมายาคลั่ง", "คลั่งยา", "เห็นภาพหลอน", "จุดไฟเผา", "เผาตัวเอง",
        "อาการกำเริบ", "ทุบรถ", "ทุบประตู", "ขว้างของ", "ขว้างขวด", "ขว้างก้อนหิน", "ปาของ",
        "threatening to jump", "threatens to jump", "going to jump", "jump off", "psychiatric crisis",
        "mental breakdown", "psychotic episode", "smashed", "shouting at everyone", "freaking out", "manic",
        "tweaking", "delusional", "hearing voices", "self-harm", "cutting himself", "cutting herself",
        "can't calm him", "cannot calm him", "calm him down", "calm her down",
        # A mind out of reach (psychosis, withdrawal, trauma): with a weapon in hand this is frenzy, not a threat.
        "พูดคนเดียว", "พูดไม่รู้เรื่อง", "ไม่รู้ตัว", "ของขึ้น", "ไบโพลาร์", "หยุดยา", "ขาดเหล้า", "เทวดาสั่ง",
        "ผีสั่ง", "ptsd", "bipolar", "stopped meds", "stopped his meds", "stopped her meds", "demons", "took yaba",
        "withdrawal",
        # Self-harm under way and a drunk mind out of reach: frenzy even with a gun or knife in hand.
        "ขาดสติ", "ยิงตัวตาย", "จะยิงตัวตาย", "ขู่จะยิงตัวตาย", "ยิงตัวเอง", "แทงตัวเอง", "กรีดตัวเอง", "ที่กรีด",
        "กินยาไปทั้งแผง", "กินยาทั้งแผง", "กินยาเกินขนาด", "กินยาฆ่าตัวตาย", "overdose", "overdosed",
        "took all his", "took all her", "kill himself", "kill herself", "shoot himself", "shoot herself",
    ),
    "gathering": (
        "มั่วสุม", "มั่วสุ่ม", "มั่ว", "ตั้งวง", "รวมตัว", "รวมกลุ่ม", "จับกลุ่ม", "ปาร์ตี้ยา", "ปาร์ตี้", "ตั้งวงเสพ",
        "บ่อน", "บ่อนพนัน", "การพนัน", "พนัน", "ไฮโล", "ไพ่", "ไก่ชน", "เด็กแว้น", "แว้น", "ซิ่ง", "แข่งรถ", "ยกพวก",
        "ตีกัน", "นัดตีกัน", "กินเหล้า", "ดื่มเหล้า", "สี่คูณร้อย", "ยาแก้ไอ", "ดูดบ้อง", "กัญชา",
        "gathering", "drug party", "doing drugs", "gambling", "gang", "street racing", "drinking", "fight club",
        "smoking meth", "underage", "สุมหัว", "ยาเค", "ยาอี", "ผับเถื่อน", "วงไพ่", "วงเหล้า", "betting", "cockfight",
        "partying", "rave",
        "ดมกาว", "สูบบ้อง", "บ้อง", "พนันบอล", "เดิมพัน", "ป๊อกเด้ง", "วงพนัน", "โต๊ะพนัน", "ล้อมวง", "ซิ่งแข่ง",
        "แข่งบนถนน", "เด็กแว้นรวมตัว", "เสพยาเค", "ดูดพอต", "ร้านเหล้าเถื่อน", "วัยรุ่นรวมกลุ่ม", "นั่งกินเหล้า",
        "กินเบียร์", "ต้มน้ำกระท่อม", "ตั้งวงดูด",
        "smoking weed", "passing around pills", "sniffing glue", "glue", "drinking beer", "illegal casino",
        "casino", "drag racing", "racing", "card game", "drug den", "taking pills",
    ),
}

CATEGORY_CUES: dict[str, tuple[str, ...]] = {
    "family_violence": (
        "สามี", "ผัว", "ภรรยา", "เมีย", "แฟน", "แฟนเก่า", "อดีตสามี", "ลูกเขย", "แม่ยาย", "พี่เขย", "ครอบครัว",
        "ความรุนแรงในครอบครัว", "ทำร้ายร่างกาย", "ตบ", "ต่อย", "ทุบตี", "หย่า", "ทะเลาะ", "คุ้มครองสวัสดิภาพ",
        "husband", "wife", "boyfriend", "partner", "ex ", "domestic", "protection order",
        "ผัวเก่า", "เมียเก่า", "อดีตภรรยา", "พ่อตา", "แม่ผัว", "แม่สามี", "ลูกสะใภ้", "คู่ครอง", "คู่รัก", "พี่สะใภ้",
        "น้องเขย", "ด่าทอ", "ทำร้ายจิตใจ", "คำสั่งคุ้มครอง",
        "ex boyfriend", "ex-boyfriend", "ex husband", "ex-husband", "my ex", "emotionally abused", "abusive",
        "hits me", "beats me", "hit me", "beat me", "father-in-law", "mother-in-law", "son-in-law",
        "girlfriend", "fiance", "fiancé", "sinsod", "สินสอด", "พ่อตีแม่", "ตีเมีย", "บีบคอ", "strangled",
    ),
    "unplanned_pregnancy": (
        "ท้อง", "ตั้งครรภ์", "ตั้งท้อง", "ท้องไม่พร้อม", "ยุติการตั้งครรภ์", "ทำแท้ง", "ฝากครรภ์", "คลอด", "สองขีด",
        "ประจำเดือนขาด", "แม่วัยใส", "แม่วัยรุ่น", "pregnant", "pregnancy", "abortion", "baby due",
        "ยาขับเลือด", "ยาทำแท้ง", "เอาเด็กออก", "แท้ง", "คนท้อง", "หลังคลอด", "miscarriage",
    ),
    "human_trafficking": (
        "ค้ามนุษย์", "หลอกไปทำงาน", "หลอกมาทำงาน", "ถูกหลอก", "นายหน้า", "เอเจนซี่", "พาสปอร์ต", "หนังสือเดินทาง",
        "แรงงานต่างด้าว", "แรงงาน", "คนงาน", "เรือประมง", "คอลเซ็นเตอร์", "บังคับใช้แรงงาน", "บังคับให้ทำงาน",
        "ขายบริการ", "ค้าประเวณี", "คาราโอเกะ", "นั่งดริ้งค์", "แม่เล้า", "ยึดบัตร", "ไม่จ่ายค่าแรง", "ค่าจ้าง",
        "กัมพูชา", "ปอยเปต", "เมียวดี", "พม่า", "มหาชัย", "ต่างประเทศ", "ทำงานต่างประเทศ",
        "trafficking", "passport", "agency", "scam compound", "scammer", "job abroad", "workers", "forced to work",
        "sell sex", "recruit",
        "จัดหางาน", "บริษัทจัดหางาน", "ค่าหัวคิว", "หัวคิว", "นั่งดริ้ง", "นั่งดริ๊ง", "เชียร์เบียร์", "ร้านนวด",
        "บัตรสีชมพู", "ต่างด้าว", "ชาวลาว", "ลาว", "เวียดนาม", "โรฮิงญา", "เมียนมา", "ข้ามแดน", "ชายแดน", "ลูกจ้าง",
        "นายจ้าง", "ไม่ได้ค่าจ้าง", "ค่าแรง", "หนีออกมาจากเรือ", "ใช้หนี้", "ดูไบ", "มาเลย์", "ไต้หวัน", "เกาหลี",
        "ทำงานแก๊ง", "ถูกพาข้าม", "งานแอดมิน", "เงินเดือนสูง", "ร้านคาราโอเกะ", "แรงงานข้ามชาติ", "ชาวเขา",
        "karaoke", "bar", "massage", "job ad", "dubai", "employer", "recruiter", "modeling", "casting",
        "fishing boat", "captain", "compound", "myawaddy", "cambodia", "myanmar", "lao ", "migrant", "debt bondage",
    ),
    "drugs": (
        "ยาเสพติด", "ยาบ้า", "ไอซ์", "ยาไอซ์", "เสพยา", "เสพ", "ติดยา", "เมายา", "กัญชา", "กระท่อม", "สี่คูณร้อย",
        "บำบัด", "ยาแก้ไอ", "ค้ายา", "ขายยา", "ดูดยา", "drug", "drugs", "meth", "yaba", "ice", "rehab", "addicted",
        "high on",
        "ยาเค", "เสพเค", "เคตามีน", "ยาอี", "ไอซ์", "ยาไอซ์", "บ้อง", "พอต", "ผงขาว", "เฮโรอีน", "ซื้อขายยา", "ขายยาบ้า", "ยาบ้าเม็ด",
        "ketamine", "ecstasy", "mdma", "cocaine", "heroin", "pills", "powder", "weed", "marijuana", "crystal",
        "kratom", "ยานอนหลับ", "ผสมยา", "ดูดไอซ์", "เสพไอซ์",
    ),
    "homelessness": (
        "ไร้บ้าน", "คนไร้บ้าน", "เร่ร่อน", "ไม่มีที่อยู่", "ไม่มีที่นอน", "ไม่มีบ้าน", "ไร้ที่พึ่ง", "นอนข้างถนน",
        "นอนใต้สะพาน", "ไม่มีที่ไป", "ไล่ออกจากห้อง", "ไล่ออกจากบ้าน", "ที่พักชั่วคราว", "homeless", "nowhere to live",
        "shelter", "sleeping outside", "evicted",
        "นอนในรถ", "ไล่ที่", "โดนไล่ที่", "นอนศาลา", "นอนข้างทาง", "นอนในเต็นท์", "ไม่มีที่พัก", "ศูนย์คนไร้ที่พึ่ง",
        "คนไร้ที่พึ่ง", "บ้านมิตรไมตรี", "นอนตามป้าย", "sleeping rough", "sleeping in his car", "sleeping in her car",
        "sleeping in the", "nowhere to stay", "somewhere to stay", "place to stay", "no place to", "on the street",
        "sidewalk", "tent",
        "ศาลาวัด", "นอนที่ศาลา", "นอนใต้ต้นไม้", "นอนริมถนน", "นอนริมทาง", "นอนป้ายรถเมล์", "นอนหน้าห้าง",
        "นอนใต้ทางด่วน", "ไม่มีที่ให้อยู่", "ไม่มีที่อยู่อาศัย", "ไล่ออกจากแคมป์", "ไล่ออกจากห้องเช่า", "คนเร่ร่อน",
        "sleeping under", "living on the street", "no home",
    ),
    "begging": (
        "ขอทาน", "ขอเงิน", "เปิดหมวก", "แก๊งขอทาน", "beg", "begging", "beggar", "beggars",
        "นั่งขอ", "ผู้ขอทาน", "ขบวนการขอทาน", "ขอเงินนักท่องเที่ยว", "ขอเงินคน", "เล่นดนตรีขอเงิน", "ยื่นมือขอ",
        "เก็บเงินจากเด็ก", "ขอเศษเงิน", "asking for money", "asking tourists", "begs", "panhandling",
        "นอนขอเงิน", "นั่งขอเงิน", "ยืนขอเงิน", "เดินขอเงิน", "ขอเงินหน้า", "ขอเงินที่", "ขอเงินแถว", "ขอเงินคนเดียว",
        "ขอเงินนักท่อง", "ส่งส่วย", "หัวหน้าสาย", "ขายพวงมาลัยขอเงิน", "ขายดอกไม้ขอเงิน", "with a cup",
        "giving him money", "giving her money", "give them money", "begging ring",
    ),
    "child_protection": (
        "เด็ก", "ลูก", "หลาน", "ทารก", "นักเรียน", "ขวบ", "เด็กนักเรียน", "ทอดทิ้ง", "ถูกทิ้ง", "บูลลี่", "รังแก",
        "แกล้ง", "อุปการะ", "กำพร้า", "ไม่ได้ไปโรงเรียน", "พ่อเลี้ยง", "แม่เลี้ยง", "ครู", "child", "children",
        "kid", "kids", "baby", "toddler", "daughter", "son", "student", "school", "foster", "neglected",
        "แรงงานเด็ก", "ใช้แรงงานเด็ก", "ขายพวงมาลัย", "ลูกศิษย์", "เด็กประถม", "ม.ต้น", "ชุดนักเรียน", "ลูกเลี้ยง",
        "ลูกสาว", "ลูกชาย", "เด็กหญิง", "เด็กชาย", "ด.ญ.", "ด.ช.", "เด็กเล็ก", "เด็กกำพร้า", "ผู้ปกครอง", "ตีลูก",
        "รอยช้ำ", "ไม่ได้กินข้าว", "sons", "daughters", "children's", "pupil", "teacher", "bruises", "child labour",
        "child labor", "orphan", "nephew", "niece",
        "ครอบครัวอุปถัมภ์", "home alone", "alone at home", "young boys", "young girls", "boys", "girls",
    ),
    "missing_person": (
        "หาย", "หายตัว", "หายไป", "หายออกจากบ้าน", "ตามหา", "ติดต่อไม่ได้", "ขาดการติดต่อ", "ยังไม่กลับ", "ไม่กลับบ้าน",
        "หนีออกจากบ้าน", "คนหาย", "หาไม่เจอ", "โทรไม่ติด", "missing", "lost contact", "can't find", "cannot find",
        "got lost", "looking for", "find my",
        "ไม่ถึงบ้าน", "ยังหาไม่เจอ", "ยังไม่เจอ", "หลงทาง", "พลัดหลง", "เด็กหลง", "คนหลง", "จำบ้านไม่ได้", "ออกจากบ้านไป",
        "ลงประกาศ", "แจ้งคนหาย", "ปิดโทรศัพท์", "ปิดเครื่อง", "ไม่ได้หาย", "ยังไม่กลับบ้าน", "เดินออกจากบ้าน",
        "ran away", "run away", "runaway", "not answering", "hasn't replied", "hasn't come back", "has not come back",
        "didn't come home", "did not come home", "not come home", "last seen", "wandered off", "lost child",
        "whereabouts", "not returned", "hasn't returned", "has not returned",
        "ไม่ได้ติดต่อกลับ", "ไม่ติดต่อกลับ", "ไม่รู้อยู่ไหน", "ไม่รู้ว่าอยู่ไหน", "ไม่รู้ว่าไปไหน", "ยกเลิกเรื่องคนหาย",
        "แจ้งพบ", "พบเด็ก", "พบคนหลง", "found a lost", "can't reach", "cannot reach",
    ),
    "elderly_care": (
        "ผู้สูงอายุ", "คนแก่", "คนชรา", "สถานสงเคราะห์คนชรา", "บ้านพักคนชรา", "เบี้ยยังชีพ", "เบี้ยผู้สูงอายุ", "ยาย",
        "คุณตา", "ตายาย", "ติดเตียง", "อัลไซเมอร์", "ความจำเสื่อม", "elderly", "grandmother", "grandfather", "old man",
        "old woman", "bedridden", "dementia", "aged",
        "ปู่", "คุณปู่", "คุณย่า", "ปู่ย่า", "แม่เฒ่า", "พ่อเฒ่า", "ผู้เฒ่า", "สมองเสื่อม", "แผลกดทับ", "บริบาล", "วัยชรา",
        "ตาอายุ", "ยายอายุ", "กองทุนผู้สูงอายุ", "คนชรา",
        "pension", "grandma", "grandpa", "old lady", "nursing home", "aged care", "senior",
        "พ่อแก่", "แม่แก่", "ป้าอายุ 6", "ป้าอายุ 7", "ป้าอายุ 8", "ป้าอายุ 9", "ลุงอายุ 6", "ลุงอายุ 7", "ลุงอายุ 8",
        "ลุงอายุ 9", "อายุ 70", "อายุ 75", "อายุ 80", "อายุ 85", "อายุ 90", "วัย 7", "วัย 8", "วัย 9", "ไม้เท้า",
        "เก้าอี้นั่งถ่าย", "ลูกหลานทิ้ง", "คุณยาย", "lives alone", "forgetful", "aged 7", "aged 8", "aged 9",
    ),
    "disability_support": (
        "พิการ", "คนพิการ", "ผู้พิการ", "บัตรคนพิการ", "เบี้ยความพิการ", "เบี้ยคนพิการ", "รถเข็น", "วีลแชร์", "ตาบอด",
        "หูหนวก", "ออทิสติก", "ดาวน์ซินโดรม", "อัมพาต", "ขาเทียม", "ทางลาด", "disabled",
        "disability", "wheelchair", "blind", "deaf", "autistic", "autism",
        "พิการทางจิต", "พิการทางสติปัญญา", "พิการทางการเคลื่อนไหว", "พิการทางสมอง", "ซีพี", "ใบ้", "เบี้ยพิการ",
        "สงเคราะห์คนพิการ", "กายอุปกรณ์", "กระตุ้นพัฒนาการ", "บกพร่องทาง", "down syndrome", "cerebral palsy",
        "special needs", "special school", "intellectual disability",
    ),
    "financial_hardship": (
        "ไม่มีเงิน", "ตกงาน", "หนี้", "หนี้นอกระบบ", "เจ้าหนี้", "ทวงหนี้", "ค่าเช่า", "ค่าไฟ", "ค่าเทอม",
        "เงินช่วยเหลือ", "เงินสงเคราะห์", "บัตรสวัสดิการ", "ทุนประกอบอาชีพ", "รายได้", "ไม่มีข้าวกิน", "ถุงยังชีพ",
        "หิว", "money", "debt", "loan", "lost my job", "financial", "welfare", "food", "rent",
        "เงินกู้", "แอปเงินกู้", "ค่าห้อง", "ค่าน้ำ", "ข้าวสาร", "ไม่มีข้าว", "เงินหมด", "ไม่มีรายได้", "เลิกจ้าง",
        "ธ.ก.ส.", "กยศ", "สหกรณ์", "พักหนี้", "ขาดทุน", "นมผง", "ค่านม", "เงินเดือนไม่ออก", "ค่าเทอม", "เงินสงเคราะห์",
        "no money", "milk powder", "salary", "cash assistance", "bills", "electricity", "laid off", "unemployed",
        "can't afford", "cannot afford",
        "ประกันสังคม", "ว่างงาน", "กองทุนอาชีพ", "ทุนเริ่มใหม่", "ไม่มีทุน", "เงินอุดหนุน", "ขอเงินอุดหนุน",
        "ขอเงินช่วยเหลือ", "ขอเงินสงเคราะห์", "ขอเงินเยียวยา",
    ),
    "other": (
        "สอบถาม", "ขอบคุณ", "ทดสอบ", "ร้องเรียน", "บริจาค", "อาสาสมัคร", "ติดตามเรื่อง", "หลอกโอนเงิน",
        "test", "thanks", "thank you", "hello", "donate", "volunteer",
        "สัญชาติ", "ขอสัญชาติ", "ทะเบียนราษฎร์", "มูลนิธิ", "จดทะเบียน", "น้ำท่วม", "เยียวยา", "ภัยพิบัติ", "เสียงดัง",
        "รำคาญ", "เครียด", "นอนไม่หลับ", "หาคนคุย", "สุขภาพจิต", "ซึมเศร้า", "ผู้ป่วยจิตเวช", "ป่วยจิตเวช", "จิตเภท",
        "บ่อน", "พนัน", "แว้น", "แข่งรถ", "แอป", "เปลี่ยนภาษา",
        "app", "language", "disappear", "depressed", "depression", "stress", "noise", "nationality", "flood",
        "psychiatric", "mental health", "mentally ill", "gambling", "street racing", "scam call",
        "เห่า", "กลิ่นเหม็น", "ก่อสร้าง", "นักจิตวิทยา", "ไม่อยากอยู่แล้ว", "อยากตาย", "นักท่องเที่ยว",
        "เพื่อนร่วมห้อง", "barking", "construction", "psychologist", "tourist",
        # Scams, neighbours, noise, fires, complaints and stray messages: the hotline's "other" traffic.
        "บัญชีม้า", "แก๊งคอลเซ็นเตอร์", "อ้างเป็นตำรวจ", "มิจฉาชีพ", "ซื้อของออนไลน์", "หลอกซื้อ", "โดนโกง",
        "ถูกโกง", "ทะเลาะกับเพื่อนบ้าน", "เพื่อนบ้านทะเลาะ", "เรื่องรั้ว", "เรื่องที่ดิน", "เปิดเพลงดัง", "เพลงดัง",
        "ไฟไหม้", "ผู้ประสบภัย", "ทุจริต", "ผู้ต้องขัง", "พ้นโทษ", "โดรน", "หมาจรจัด", "สุนัขจรจัด", "รับบุตรบุญธรรม",
        "scam", "fraud", "fake charity", "drone", "stray dog", "by mistake", "adopt", "adopting", "adoption",
        "corruption", "neighbour dispute", "online shopping",
        # A psychiatric illness is "other" unless described as a disability (README conventions).
        "ไบโพลาร์", "โรคจิตเภท", "bipolar", "schizophrenia", "schizophrenic", "ptsd", "mental illness",
    ),
}

# Cues that alone justify an emergency when present and not negated or past (the safety net under the model).
STRONG_CUES: dict[str, tuple[str, ...]] = {
    "threat": ("ขู่ฆ่า", "ขู่จะฆ่า", "ขู่จะยิง", "ขู่จะแทง", "ถือมีด", "ถือปืน", "จ่อหัว", "จ่อคอ", "ไล่ฟัน", "ไล่แทง",
               "ไล่ยิง", "threatening to kill", "pointing a gun", "with a knife", "waving a gun"),
    "detention": ("ถูกขัง", "โดนขัง", "ขังไว้", "ถูกกักขัง", "กักขัง", "ล่ามโซ่", "ออกไปไหนไม่ได้", "locked in",
                  "locked me", "held against", "being held", "trapped"),
    "abuse_risk": ("ลวนลาม", "ข่มขืน", "ขืนใจ", "ปล้ำ", "ล่วงละเมิด", "ลูบคลำ", "rape", "molest", "grooming"),
    "frenzy": ("คลุ้มคลั่ง", "คลั่ง", "คลั้ง", "อาละวาด", "running amok", "out of control", "psychotic", "rampage"),
    "gathering": ("มั่วสุม", "มั่วสุ่ม", "ปาร์ตี้ยา", "drug party", "gambling den", "street racing"),
}
STRONG_CUES["threat"] += ("มีดพร้า", "ยิงทิ้ง", "แทงให้ตาย", "ฆ่าทั้งบ้าน", "สาดน้ำกรด", "he will kill", "with a gun")
STRONG_CUES["detention"] += ("ใส่กุญแจมือ", "คล้องโซ่", "ไม่ยอมปล่อย", "ค่าไถ่", "padlocked", "held captive")
STRONG_CUES["frenzy"] += ("เมายาคลั่ง", "psychiatric crisis", "psychotic episode", "threatening to jump")
# Ransom and extortion with a threat, harm to a pregnant woman, bombs, kidnapping, forced sex work: rare in
# training data, never to be missed.
STRONG_CUES["threat"] += (
    "ตัดนิ้ว", "ถ้าไม่โอน", "จะหักแขน", "จะหักขา", "หักแขนอีก", "เตะท้อง", "ถีบท้อง", "ต่อยท้อง", "ทำร้ายคนท้อง",
    "บีบคอ", "จะมาฆ่า", "ตามฆ่า", "วางระเบิด", "ปาระเบิด", "ขู่จะเผา", "ขู่จะทำร้าย", "kick my belly",
    "kick her belly", "kick my stomach", "punch my belly", "strangle", "bomb",
)
STRONG_CUES["detention"] += (
    "ลักพาตัว", "จับลูกไว้", "จับตัวไป", "จับตัวลูก", "ตัวประกัน", "เรียกค่าไถ่", "ถูกผูก", "ผูกขาไว้", "kidnap",
    "abducted", "ransom", "hostage",
)
STRONG_CUES["abuse_risk"] += (
    "ต้องรับแขก", "ให้รับแขก", "บังคับให้รับแขก", "ไปรับแขก", "บังคับขายตัว", "บังคับให้ขายตัว", "ให้ไปขายตัว",
    "ต้องขายตัว", "บังคับให้นั่งดริ้ง", "ต้องนอนด้วย", "ต้องนอนกับ", "นั่งกับแขก", "พยายามเข้ามาในห้อง",
    "make me sleep with", "forced to sleep with", "force me to sleep with", "forcing me to sleep",
    "trying to open my door", "trying to get into my room",
)
# A threat, or a sexual cue, made for now or tonight ("คืนนี้จะมาเอาเรื่อง", "he is on his way") is as good as a
# strong cue. Weapon nouns alone are not promises, and the softer sexual words (hotel, sleep over) need more.
IMMINENT_MARKERS: tuple[str, ...] = (
    "คืนนี้", "เย็นนี้", "เดี๋ยวจะมา", "เดี๋ยวมา", "กำลังมา", "กำลังจะมา", "กำลังขับรถ", "ขับรถมา", "จะมาหา",
    "จะมาที่", "ตามมาถึง", "อยู่หน้าบ้าน", "อยู่หน้าห้อง", "หน้าประตู", "ยืนเฝ้า", "นั่งเฝ้า", "นั่งรออยู่", "ยืนรออยู่",
    "ภายในวันนี้", "ภายในคืนนี้", "ภายในสอง", "ภายในครึ่ง", "ภายในชั่วโมง",
    "tonight", "right now", "on his way", "on her way", "on their way", "coming over", "coming here",
    "coming to", "outside my", "at my door", "at the door", "within the hour", "in an hour",
)
IMMINENT_EXCLUDED: frozenset[str] = frozenset(
    (
        "มีด", "ปืน", "ขวาน", "ดาบ", "อาวุธ", "กรรไกร", "พร้า", "ขวดแตก", "มีดทำครัว", "มีดคัตเตอร์", "คัตเตอร์", "มีดพก",
        "ไม้เบสบอล", "ไม้หน้าสาม", "ทวงหนี้", "knife", "gun", "guns", "knives", "hammer", "axe", "cutter", "crowbar",
        "acid", "pistol", "weapon", "ระเบิด", "ปล้น", "fighting with",
    )
)
IMMINENT_ABUSE: tuple[str, ...] = (
    "ขายตัว", "ขายบริการ", "รับแขก", "นั่งดริ้ง", "นั่งดริ๊ง", "ดริ้งค์", "นอนด้วย", "นอนกับ", "ไปกับแขก", "ให้แขก",
    "ไปกับลูกค้า", "จับหน้าอก", "จับนม", "จับก้น", "ถอดเสื้อ", "เข้ามาในห้อง", "ชวนไปนอน", "งัดประตู", "พาเข้าโรงแรม",
    "พาไปโรงแรม", "พาขึ้นห้อง", "sleep with", "entertain men", "go with a customer", "touching me", "touch me",
    "come to my room", "into my room", "into her room", "groped", "trying to break in",
)

# Words that cancel a cue right after them: "ไม่ได้ถูกขัง", "nobody is threatening", "not locked in".
NEGATIONS: tuple[str, ...] = (
    "ไม่ได้", "ไม่มี", "ไม่ใช่", "ไม่เคย", "ไม่ได้ถูก", "ไม่ได้โดน", "ไม่มีใคร", "ไม่มีการ", "ไม่ถูก", "ไม่โดน", "มิได้",
    "not ", "no ", "never ", "n't ", "nobody ", "no one ", "not being ", "isn't ", "wasn't ", "no longer ",
    # Not yet, or only feared: "ยังไม่คลั่ง", "กลัวว่าจะคลั่ง", "not violent yet", "afraid he will".
    "ยังไม่", "กลัวว่าจะ", "กลัวจะ", "ไม่ได้คิด", "ไม่ค่อย", "hasn't ", "has not ", "didn't ", "did not ",
    "afraid he will ", "afraid she will ", "worried he will ", "worried she will ", "in case ",
)
# A report told about the past: with nothing present-tense left, its cues no longer make an emergency now.
PAST_MARKERS: tuple[str, ...] = (
    "เคย", "เมื่อปีที่แล้ว", "ปีที่แล้ว", "ปีก่อน", "หลายปีก่อน", "ปีที่ผ่านมา", "ตอนเด็ก", "ตอนเป็นเด็ก", "สมัยก่อน",
    "เมื่อก่อน", "นานมาแล้ว", "เมื่อตอนอายุ", "ตอนอายุ", "ช่วงปี", "เมื่อปี", "เดือนก่อน", "เมื่อเดือนที่แล้ว",
    "last year", "years ago", "year ago", "used to", "when i was", "in the past", "long ago", "back in", "in 20",
    "that was", "months ago", "last month",
)
RESOLVED_MARKERS: tuple[str, ...] = (
    "ปลอดภัยแล้ว", "ปลอดภัยดี", "ไม่เป็นไรแล้ว", "จบไปแล้ว", "จบแล้ว", "ออกมาได้แล้ว", "ออกมาได้นานแล้ว",
    "หนีออกมาได้", "แยกทางกันแล้ว", "หย่ากันแล้ว", "ถูกจับไปแล้ว", "ถูกจับแล้ว", "เลิกแล้ว", "หายแล้ว", "ย้ายออกมาแล้ว",
    "กลับมาแล้ว", "กลับไทยได้แล้ว", "กลับบ้านแล้ว", "อาการดีแล้ว", "เงียบแล้ว", "ไม่มีแล้ว", "ปิดไปนานแล้ว",
    "เลิกกันแล้ว", "เพิ่งกลับมา",
    "now safe", "i am safe", "i'm safe", "am fine now", "is over", "it's over", "moved away", "in prison",
    "escaped", "broke up", "divorced", "now i am back", "back in thailand", "anymore",
    "ไม่ได้เกิดเหตุ", "ไม่มีอะไรเกิดขึ้น", "ยังสงบอยู่", "แยกกันอยู่", "กลับมาบ้านแล้ว", "ขอยกเลิก",
    "nothing happened", "is safe", "are safe", "now and safe", "she's fine", "he's fine", "is calm", "not dangerous",
    "just reporting", "just letting you know",
    "ปลอดภัยอยู่", "หนูปลอดภัย", "ทุกคนปลอดภัย", "แจ้งยกเลิก", "คุมตัวไปแล้ว", "nothing is happening",
    "not an emergency", "no one is in danger", "nobody is in danger", "not in danger",
)
# Yesterday, last night: a recent time, so the past only when the story also says it is over
# ("เมื่อคืนสามีเอามีดจ่อคอ ... ตอนนี้ปลอดภัยอยู่บ้านแม่"), never by itself ("เมื่อคืนผัวขังหนูไว้").
RECENT_MARKERS: tuple[str, ...] = (
    "เมื่อคืน", "เมื่อวาน", "เมื่อสองวันก่อน", "เมื่อสัปดาห์ก่อน", "สัปดาห์ที่แล้ว", "อาทิตย์ที่แล้ว", "last night",
    "yesterday", "last week", "days ago", "อาทิตย์ก่อน", "สัปดาห์ก่อน", "weeks ago", "on the weekend",
    "last weekend",
)
# Asking how, where or whom to report: advice about a situation, usually not one happening at this moment. A
# feature for the model (it weighs it against everything else), never a rule by itself.
ADVICE_MARKERS: tuple[str, ...] = (
    "ควรแจ้งที่ไหน", "แจ้งที่ไหน", "ติดต่อที่ไหน", "ทำไงต่อดี", "ทำยังไงต่อ", "ต้องทำยังไง", "ต้องทำอย่างไร",
    "ได้กี่วัน", "สอบถาม", "อยากถาม", "ขอคำแนะนำ", "ขอคำปรึกษา", "ปรึกษา",
    "ต้องใช้เอกสาร", "มีหน่วยงาน", "หน่วยงานไหน", "เปิดกี่โมง", "ขั้นตอน",
    "how can we", "how can i", "how do we", "how do i", "who do i", "who should", "where can", "where do i",
    "what should we", "what should i", "what are the", "is there a way", "can you advise", "any advice",
)
# "สายด่วน 1300" names the hotline; its "ด่วน" (urgent) is no call for help.
_HOTLINE = re.compile("สายด่วน")
# Serious but not immediate: sickness, hunger, no bed tonight, a deadline, a minor alone, a fresh escape. Features
# for the urgency head (the model weighs them; they decide nothing alone).
URGENT_CUES: tuple[str, ...] = (
    "ป่วยหนัก", "อาการหนัก", "ไอเป็นเลือด", "ตัวร้อน", "ไข้สูง", "แผลเน่า", "แผลกดทับ", "วัณโรค", "ไม่มีคนดูแล",
    "ติดเตียง", "ไม่มีข้าวกิน", "ยังไม่ได้กิน", "ไม่ได้กินข้าว", "หิวมาก", "ไม่มีที่ไป", "ไม่มีที่นอน", "คืนนี้",
    "พรุ่งนี้", "สิ้นเดือนนี้", "ไล่ออก", "ตัดไฟ", "หนีออกมา", "เพิ่งหนี", "หายตัว", "ติดต่อไม่ได้", "ไม่ได้ไปโรงเรียน",
    "คิดสั้น", "ท้องได้", "อายุ 1", "ขวบ", "พาไปหาหมอ", "ไปรักษา", "ด่วน",
    "sick", "fever", "wound", "bleeding", "breathing", "hasn't woken", "hungry", "no food", "nowhere to",
    "tonight", "tomorrow", "kick me out", "escaped", "ran away", "missing", "last seen", "can't reach",
    "year-old", "yo ", "i'm 1", "urgent",
)

# Signs that something is happening now; they keep an emergency alive whatever else was said about the past.
PRESENT_MARKERS: tuple[str, ...] = (
    "ตอนนี้ยัง", "ยังอยู่", "กำลัง", "คืนนี้", "อีกแล้ว", "กลับมาอีก", "มาอีก", "ช่วยด้วย", "ด่วน", "ช่วยที",
    "ตอนนี้เขา", "ตอนนี้ถือ", "ตอนนี้ถูก", "ตอนนี้โดน", "ยังไม่หยุด", "เดี๋ยวนี้", "เมื่อกี้", "เดี๋ยวจะมา", "กำลังมา",
    "on his way", "on her way", "just now",
    "right now", "tonight", "help!", "help me", "please help", "now he", "now she", "is back", "came back",
    "again",
)
# Calls for help with no detail: with nothing else to go on, the safety bias treats them as an emergency.
HELP_CALLS: tuple[str, ...] = ("ช่วยด้วย", "ช่วยหนูด้วย", "ช่วยที", "sos", "help!", "help me", "ด่วน")
# Longer words that contain a cue but mean something else ("เสียหาย" is damage, not "หาย" missing; "ลูกค้า" is a
# customer, not a child; "ห้องขัง" a police cell). They are matched like cues, so they win over the shorter
# cue inside them, and then count for nothing.
FALSE_FRIENDS: tuple[str, ...] = (
    "เสียหาย", "หายใจ", "หายแล้ว", "หายดี", "หายป่วย", "บำบัดจนหาย", "ความเสียหาย", "ห้องขัง", "ลูกค้า", "ลูกจ้าง",
    "ลูกหนี้", "ลูกน้อง", "ลูกเขย", "ลูกสะใภ้", "ลูกพี่ลูกน้อง", "ลูกบอล", "ลูกปัด", "ลูกชิ้น", "ลูกทุ่ง", "ลูกกรง",
    "ขอเงินกู้", "ขอเงินช่วยเหลือ", "ขอเงินสงเคราะห์", "ขอเงินอุดหนุน", "ขอเงินเยียวยา", "ขอเงินคืน", "ปวดท้อง",
    "ท้องเสีย", "ท้องร่วง", "ท้องถิ่น", "ขู่ว่าจะแจ้ง", "ไพ่ยิปซี", "มีดโกน", "ปาร์ตี้วันเกิด", "ฝึกซ้อม", "ติดการพนัน", "ติดพนัน",
    # Hiding behind a locked door is not being detained; a living room and a TV "bomb" are not cues.
    "ขังตัวเอง", "ห้องรับแขก", "ระเบิดเวลา", "ระเบิดอารมณ์",
    # A Bangkok road is not a machete, a prisoner asking about jobs is not detained, friends who sleep side by
    # side on the street are not a sexual cue.
    "ลาดพร้าว", "ผู้ต้องขัง", "ที่นอนด้วยกัน",
)
# fmt: on

_THAI = re.compile("[\u0e00-\u0e7f]")
_COORDINATORS = frozenset(("หรือ", "หรือว่า", "หรือโดน", "หรือถูก", "และ", "or", "or being", "nor", "and"))
_NOW_OVER = re.compile("ตอนนี้(?!บ่าย|เที่ยง|เช้า|เย็น|ค่ำ|ดึก|ตี ?[0-9]|[0-9])(?:(?!อีก)[^ ]){0,20}(?<!อีก)แล้ว")


@dataclass(frozen=True)
class Cue:
    label: str  # emergency type or category
    phrase: str  # as matched in the normalised text
    start: int
    end: int
    negated: bool = False
    past: bool = False

    @property
    def live(self) -> bool:
        return not (self.negated or self.past)


@dataclass(frozen=True)
class Reading:
    """What the lexicon saw in one normalised report."""

    emergency: tuple[Cue, ...]
    category: tuple[Cue, ...]
    negation_phrases: tuple[str, ...]
    past: bool
    resolved: bool
    present: bool
    help_call: bool
    imminent: bool = False
    urgent: int = 0
    advice: bool = False

    def live(self, label: str) -> list[Cue]:
        return [c for c in self.emergency if c.label == label and c.live]

    def is_strong(self, cue: Cue) -> bool:
        if cue.phrase in _STRONG_SETS[cue.label]:
            return True
        if not self.imminent:
            return False
        if cue.label == "threat":
            return cue.phrase not in IMMINENT_EXCLUDED
        return cue.label == "abuse_risk" and cue.phrase in _IMMINENT_ABUSE

    def strong_live(self) -> dict[str, list[Cue]]:
        found: dict[str, list[Cue]] = {}
        for cue in self.emergency:
            if cue.live and self.is_strong(cue):
                found.setdefault(cue.label, []).append(cue)
        return found


class _StrongSets(dict[str, "_Strong"]):
    def __missing__(self, label: str) -> _Strong:
        value = self[label] = _Strong(STRONG_CUES.get(label, ()))
        return value


class _Strong:
    """Membership that also counts longer matches containing a strong cue ("ถือมีดขู่" contains "ถือมีด")."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self.phrases = phrases
        self.memo: dict[str, bool] = {}

    def __contains__(self, phrase: object) -> bool:
        if not isinstance(phrase, str):
            return False
        if phrase not in self.memo:
            self.memo[phrase] = any(p in phrase for p in self.phrases)
        return self.memo[phrase]


_STRONG_SETS = _StrongSets()
_IMMINENT_ABUSE = _Strong(IMMINENT_ABUSE)
_IMMINENT_WITHIN = re.compile("ภายใน ?[0-9๐-๙]")
# "แม่ผมซึ่งอายุ 84", "aged 79", "พ่ออายุ 79": any age from 60 up names an elder (not "60 วัน", "65 kg").
_ELDER_AGE = re.compile(
    r"(?:อายุ|วัย|aged?|age) ?(?:ได้ )?[6-9][0-9](?![0-9])(?! ?(?:วัน|เดือน|สัปดาห์|days|months|weeks|kg))"
)


def _pattern(phrase: str) -> str:
    """An English cue only starts a word ("ice" is not in "police", "son" not in "person"); a short one also ends it
    (plural allowed), so "kill" still finds "killing" but "gun" does not find "begun". Thai has no spaces: as is."""
    escaped = re.escape(phrase)
    if not phrase[:1].isascii() or not phrase[:1].isalpha():
        return escaped
    escaped = "(?<![a-z])" + escaped
    if len(phrase) <= 3 and phrase[-1:].isalpha():
        escaped += "s?(?![a-z])"
    return escaped


def _alternation(phrases: set[str]) -> str:
    return "|".join(_pattern(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))


def _index(cues: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for label, phrases in cues.items():
        for phrase in phrases:
            index.setdefault(phrase, []).append(label)
    for phrase in FALSE_FRIENDS:
        index.setdefault(phrase, [])
    return index


def _labels_of(index: dict[str, list[str]], matched: str) -> list[str]:
    # A short English cue may have matched with a plural "s" the index does not list.
    found = index.get(matched)
    if found is None and matched.endswith("s"):
        found = index.get(matched[:-1])
    return found or []


@cache
def _matchers() -> tuple[re.Pattern[str], dict[str, list[str]], re.Pattern[str], dict[str, list[str]]]:
    emergency_index = _index(EMERGENCY_CUES)
    category_index = _index(CATEGORY_CUES)
    return (
        re.compile(_alternation(set(emergency_index))),
        emergency_index,
        re.compile(_alternation(set(category_index))),
        category_index,
    )


def _any(text: str, markers: tuple[str, ...]) -> bool:
    return any(m in text for m in markers)


def _negation_start(text: str, start: int, phrase: str) -> int | None:
    """Where the negation governing a cue that starts at `start` begins, if there is one.

    Thai: the negation sits in the same space-delimited chunk just before the cue ("ไม่ได้ถูกขัง"). English: within
    the three words before it ("nobody is threatening", "i'm not locked in").
    """
    if _THAI.search(phrase):
        window_start = max(text.rfind(" ", 0, start) + 1, start - 14)
    else:
        window_start = start
        for _ in range(3):
            window_start = text.rfind(" ", 0, max(window_start - 1, 0)) + 1
            if window_start == 0:
                break
    window = text[window_start:start] + ("" if _THAI.search(phrase) else " ")
    found = [window.find(neg) for neg in NEGATIONS if neg in window]
    return window_start + min(found) if found else None


def _sentence_of(text: str, start: int) -> str:
    """The clause a cue sits in, together with the clause before it (where Thai often puts the time).

    Thai often has no punctuation at all: there a space ends a clause, so a cue is read with its own chunk and
    the one before it ("เมื่อปีที่แล้ว เคยถูกขัง"), and "เคยจับหนูมาแล้ว" elsewhere does not make "งัดประตู" past."""
    separators = ".!?;,\n"
    left = max(text.rfind(s, 0, start) for s in separators)
    left = max(text.rfind(s, 0, left) for s in separators) if left > 0 else left
    rights = [i for i in (text.find(s, start) for s in separators) if i != -1]
    right = min(rights) if rights else len(text)
    if _THAI.search(text[start : start + 1]):
        chunk_left = text.rfind(" ", 0, max(text.rfind(" ", 0, start), 0)) + 1
        chunk_right = text.find(" ", start)
        left = max(left, chunk_left - 1)
        right = min(right, chunk_right if chunk_right != -1 else len(text))
    return text[left + 1 : right]


def _has_past(text: str) -> bool:
    # "ไม่เคยเห็นออกมาเลย" (never seen outside) is not a story about the past.
    return _any(text.replace("ไม่เคย", " ").replace("never ", " "), PAST_MARKERS)


def read(text: str) -> Reading:
    """Scan normalised text for cues and mark each as negated or past."""
    emergency_re, emergency_index, category_re, category_index = _matchers()
    # "ตอนนี้โตแล้ว", "ตอนนี้กลับไทยได้แล้ว": now is after it ended (but "ตอนนี้ถูกขังอีกแล้ว" is not).
    resolved = _any(text, RESOLVED_MARKERS) or bool(_NOW_OVER.search(text))
    past_doc = _has_past(text) or (resolved and _any(text, RECENT_MARKERS))
    # "ตอนนี้เขาออกไปทำงานแล้ว" says it is over: its "ตอนนี้เขา" is no sign of something happening now.
    marked = _HOTLINE.sub(" ", text)
    now_text = _NOW_OVER.sub(" ", marked)
    present = _any(now_text, PRESENT_MARKERS) or (_any(now_text, ("ตอนนี้", "now ", "now,")) and not resolved)
    cues: list[Cue] = []
    negations: list[str] = []
    negated_start: int | None = None
    negated_end: int | None = None
    for match in emergency_re.finditer(text):
        phrase = match.group(0)
        labels = _labels_of(emergency_index, phrase)
        if not labels:
            continue
        negation_at = _negation_start(text, match.start(), phrase)
        # "ไม่ได้ถูกข่มขู่หรือถูกขัง", "not threatened or locked in": one negation covers the pair.
        if (
            negation_at is None
            and negated_end is not None
            and text[negated_end : match.start()].strip() in _COORDINATORS
        ):
            negation_at = negated_start
        if negation_at is not None:
            negated_start, negated_end = negation_at, match.end()
            negations.append(text[negation_at : match.end()].strip())
        past = False
        if past_doc and not present:
            # Past only when the time words are near the cue, or the story says it is over.
            past = resolved or _has_past(_sentence_of(text, match.start()))
        for label in labels:
            cues.append(
                Cue(label, phrase, match.start(), match.end(), negated=negation_at is not None, past=past)
            )
    cats = [
        Cue(label, m.group(0), m.start(), m.end())
        for m in category_re.finditer(text)
        for label in _labels_of(category_index, m.group(0))
    ]
    cats.extend(Cue("elderly_care", m.group(0), m.start(), m.end()) for m in _ELDER_AGE.finditer(text))
    return Reading(
        emergency=tuple(cues),
        category=tuple(cats),
        negation_phrases=tuple(dict.fromkeys(negations)),
        past=past_doc,
        resolved=resolved,
        present=present,
        help_call=_any(marked, HELP_CALLS),
        imminent=not resolved and (_any(text, IMMINENT_MARKERS) or bool(_IMMINENT_WITHIN.search(text))),
        urgent=sum(m in marked for m in URGENT_CUES),
        advice=_any(text, ADVICE_MARKERS),
    )


FEATURE_NAMES: tuple[str, ...] = (
    *(f"live:{t}" for t in EMERGENCY_CUES),
    *(f"strong:{t}" for t in EMERGENCY_CUES),
    *(f"dead:{t}" for t in EMERGENCY_CUES),
    *(f"cat:{c}" for c in CATEGORY_CUES),
    "past",
    "resolved",
    "present",
    "help_call",
    "negation",
    "urgent",
    "advice",
)


def features(reading: Reading) -> list[float]:
    """Dense lexicon features in FEATURE_NAMES order (small counts, capped, so one word cannot dominate)."""
    live = dict.fromkeys(EMERGENCY_CUES, 0.0)
    strong = dict.fromkeys(EMERGENCY_CUES, 0.0)
    dead = dict.fromkeys(EMERGENCY_CUES, 0.0)
    for cue in reading.emergency:
        if cue.live:
            live[cue.label] += 1
            if reading.is_strong(cue):
                strong[cue.label] = 1.0
        else:
            dead[cue.label] += 1
    cats = dict.fromkeys(CATEGORY_CUES, 0.0)
    for cue in reading.category:
        cats[cue.label] += 1
    return [
        *(min(v, 3.0) / 3.0 for v in live.values()),
        *strong.values(),
        *(min(v, 3.0) / 3.0 for v in dead.values()),
        *(min(v, 3.0) / 3.0 for v in cats.values()),
        float(reading.past),
        float(reading.resolved),
        float(reading.present),
        float(reading.help_call),
        float(bool(reading.negation_phrases)),
        min(reading.urgent, 3) / 3.0,
        float(reading.advice),
    ]
