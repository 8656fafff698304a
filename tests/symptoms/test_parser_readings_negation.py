"""Issue 11, text understanding: several readings (worst counts), negation scope, words whose
negation is the symptom, counts, stated baselines, site words, and the language written in.

Every case here was written for this file (none is a line of a held-out set); each kind has
cases in both languages. A case gives the terms RECORDED (not negated) with, where a value
decides it, the exact CTCAE measured grade (None = present, grade not checked).
"""

import pytest

from app.symptoms.grading.grader import assess
from app.symptoms.parsing.parser import parse_message


def _recorded(text):
    return {a.ctcae_term: a for a in map(assess, parse_message(text).items) if not a.negated}


def _check(text, expected):
    recorded = _recorded(text)
    assert set(recorded) == set(expected), (text, sorted(recorded))
    for term, grade in expected.items():
        if grade is not None:
            assert recorded[term].measured_grade == grade, (text, term, recorded[term])


# Item 2: several values of one measure in one text — the worst is graded; a normal reading
# never cancels a fever in the same text; only normal readings deny it.
@pytest.mark.parametrize("text, expected", [
    ("temp was 38.9 at noon and 37.2 by bedtime", {"Fever": 1}),
    ("Temperature 38.1 at 2am, down to 37.0 at 8am", {"Fever": 1}),
    ("had a high fever 39.4 on sunday, fine now 36.5", {"Fever": 2}),
    ("37.0 this morning, then 40.3 tonight", {"Fever": 3}),
    ("fever of 101.5F last night, 99 now", {"Fever": 1}),
    ("38.5 yesterday, 36.9 today, fever gone", {"Fever": 1}),
    ("no fever they said, but thermometer shows 38.4", {"Fever": 1}),
    ("体温早上38.2，下午降到了36.8", {"Fever": 1}),
    ("烧到39.5度，吃药后37度", {"Fever": 2}),
    ("他昨晚发热到39.8度，现在37.6度", {"Fever": 2}),
    ("昨晚40度1，今天37度2", {"Fever": 3}),
    ("中午测了38.3，傍晚37.1", {"Fever": 1}),
    ("体温38度2，有点冷", {"Fever": 1, "Chills": None}),
    # only normal readings: no fever recorded
    ("体温36.8，挺好的", {}),
    ("体温正常，36度8", {}),
    ("no fever, 36.6", {}),
    ("temperature normal, 36.7", {}),
    ("feel a bit feverish but the thermometer says 37.3", {}),
    ("烧退了，37度", {}),
    # stool counts on two days: the worst day
    ("day before 7 loose stools, today 2", {"Diarrhea": 3}),
    ("前天拉了九次，今天2次", {"Diarrhea": 3}),
])
def test_worst_reading_counts(text, expected):
    _check(text, expected)


# Item 3: negation before and after the term, across colons, ended by contrast words.
@pytest.mark.parametrize("text, expected", [
    ("no headache or dizziness", {}),
    ("Headache: no. Cough: yes", {"Cough": None}),
    ("nausea - none, vomiting - none, appetite ok", {}),
    ("Pain: none. Fatigue: moderate.", {"Fatigue": None}),
    ("not feeling nauseous anymore", {}),
    ("haven't vomited since Tuesday", {}),
    ("he hasn't had any diarrhoea today", {}),
    ("I don't have a fever but my throat is sore", {"Sore throat": None}),
    ("No shortness of breath, no chest pain, no fever. Mild headache.", {"Headache": None}),
    ("not vomiting, not nauseous, but diarrhea 5 times", {"Diarrhea": 2}),
    ("no pain just tired", {"Fatigue": None}),
    ("she is not confused, just sleepy", {"Somnolence": None}),
    ("no longer dizzy", {}),
    ("had diarrhoea but it stopped", {}),
    ("denies fever or chills", {}),
    ("never vomited", {}),
    ("groin is fine, no bleeding or swelling", {}),
    ("nothing wrong with me, just checking in", {}),
    ("all good, no problems", {}),
    ("呕吐没有，恶心有一点", {"Nausea": None}),
    ("恶心：没有；腹泻：没有；乏力：有", {"Fatigue": None}),
    ("没有头疼，也没有发烧，就是有点拉肚子", {"Diarrhea": None}),
    ("无发热、无咳嗽", {}),
    ("不咳嗽了，但是还有点喘", {"Dyspnea": None}),
    ("没觉得恶心", {}),
    ("不疼，只是有点累", {"Fatigue": None}),
    ("没有再发烧了，咳嗽也好多了", {"Cough": None}),
    ("头痛好了，但是还是恶心", {"Nausea": None}),
    ("不拉肚子了，就是肚子还有点胀", {"Bloating": None}),
    ("没有胸闷气短，偶尔咳嗽", {"Cough": None}),
    ("不再恶心了", {}),
    ("已经不吐了", {}),
    ("否认腹痛", {}),
    ("未见便血", {}),
    ("穿刺点没有渗血，也不肿", {}),
    ("头也不晕了", {}),
    ("身上痒，没有疹子", {"Pruritus": None}),
    ("没事，都挺好的", {}),
    ("一切都好，没有什么异常", {}),
    ("我没事，谢谢", {}),
    # a phrase with 不 inside is not a denial of the term before it
    ("躺在床上也喘不过气", {"Dyspnea": None}),
    ("走两步就喘，歇一下就好了", {"Dyspnea": None}),
])
def test_negation_scope(text, expected):
    _check(text, expected)


def test_denied_term_opens_no_question_and_has_no_flag():
    items = parse_message("chest pain: none, breathing: fine").items
    assert all(i.negated and not i.red_flags for i in items if i.ctcae_term == "Chest pain - cardiac")


# Words where the negation is part of the symptom are symptoms.
@pytest.mark.parametrize("text, expected", [
    ("吃不下东西", {"Anorexia": None}),
    ("睡不好，老醒", {"Insomnia": None}),
    ("没睡着，一直醒着", {"Insomnia": None}),
    ("一点力气都没有", {"Fatigue": None}),
    ("胃口也没有", {"Anorexia": None}),
    ("没精神，没胃口", {"Fatigue": None, "Anorexia": None}),
    ("吃不下饭，也睡不着", {"Anorexia": None, "Insomnia": None}),
    ("cant eat much", {"Anorexia": None}),
    ("don't have much energy", {"Fatigue": None}),
    ("not much appetite lately", {"Anorexia": None}),
    ("can't sleep and can't eat", {"Insomnia": None, "Anorexia": None}),
    ("no appetite, no energy", {"Anorexia": None, "Fatigue": None}),
    ("didnt sleep well at all", {"Insomnia": None}),
    ("slept badly last night", {"Insomnia": None}),
    # a denied bowel movement is constipation
    ("no bowel movement for 4 days", {"Constipation": None}),
    ("四天没解大便", {"Constipation": None}),
])
def test_negation_that_is_the_symptom(text, expected):
    _check(text, expected)


# Item 9: counts ride on the mention; words.
@pytest.mark.parametrize("text, term, count", [
    ("threw up 3 times yesterday", "Vomiting", 3),
    ("vomited twice after dinner", "Vomiting", 2),
    ("vomiting x3 since lunch", "Vomiting", 3),
    ("吐了三回", "Vomiting", 3),
    ("今天吐了两次", "Vomiting", 2),
    ("拉稀拉了6趟", "Diarrhea", 6),
    ("went to the toilet five times with watery poo", "Diarrhea", 5),
])
def test_counts_are_carried(text, term, count):
    item = next(i for i in parse_message(text).items if i.ctcae_term == term)
    assert item.count == count and not item.negated


@pytest.mark.parametrize("text, expected", [
    ("头有点晕", {"Dizziness": None}),
    ("一起床就头晕", {"Dizziness": None}),
    ("feel dizzy and weak", {"Dizziness": None, "Generalized muscle weakness": None}),
    ("脚底脱皮，有点疼", {"Palmar-plantar erythrodysesthesia syndrome": None}),
    ("手掌脚掌都红了，还起泡", {"Palmar-plantar erythrodysesthesia syndrome": None}),
    ("the skin on my palms is cracking and peeling", {"Palmar-plantar erythrodysesthesia syndrome": None}),
    ("palms of my hands red and tender", {"Palmar-plantar erythrodysesthesia syndrome": None}),
    ("吐的东西里有血丝", {"Vomiting": None, "Upper gastrointestinal hemorrhage": None}),
    ("there was blood when I threw up", {"Vomiting": None, "Upper gastrointestinal hemorrhage": None}),
    ("吐了两次，没有血", {"Vomiting": None}),
    ("poop is hard as a rock", {"Constipation": None}),
    ("排便很费劲", {"Constipation": None}),
    ("swallowing is hard, food won't go down", {"Dysphagia": None}),
    ("there's a lump near the puncture", {"Hematoma": None}),
    ("腹股沟有个包，按着疼", {"Hematoma": None}),
    ("嗓子有点痒，咳嗽", {"Cough": None}),
])
def test_words_and_sites(text, expected):
    _check(text, expected)


# A usual number of stools stated in the text is the baseline when none is recorded.
@pytest.mark.parametrize("text, grade", [
    ("平常每天解一次大便，今天解了6次", 2),
    ("I normally go 1 time a day, today 4 times", 1),
    ("usually 2 bowel movements a day, today 9", 3),
])
def test_stated_baseline(text, grade):
    _check(text, {"Diarrhea": grade})


# Item 14: the language the patient wrote in; the enrolled one when the text says nothing.
@pytest.mark.parametrize("text, written, reply_for_zh_patient", [
    ("I feel sick today", "en", "en"), ("今天有点恶心", "zh", "zh"), ("feel sick 有点想吐", "zh", "zh"),
    ("CT报告出来了吗", "zh", "zh"), ("OK", None, "zh"), ("38.5", None, "zh"), ("🤢", None, "zh"),
    ("I had 恶心 and vomiting today", "en", "en"),
])
def test_written_language(text, written, reply_for_zh_patient):
    parsed = parse_message(text)
    assert parsed.language == written
    assert parsed.reply_language("zh") == reply_for_zh_patient
    assert parse_message(text).reply_language(None) == written


# A supposition or a question about the future reports nothing.
@pytest.mark.parametrize("text, expected", [
    ("what should I do if I get a fever?", {}),
    ("In case of vomiting, should I take the pill again?", {}),
    ("如果发烧了怎么办？", {}),
    ("要是拉肚子需要吃药吗", {}),
    ("万一又吐了，还要再吃一片吗", {}),
    ("is it normal to feel tired after chemo? I'm exhausted", {"Fatigue": None}),
])
def test_suppositions_are_not_reports(text, expected):
    _check(text, expected)


# Numbers: durations and clock times are not counts; counts never become temperatures;
# Chinese "three or four" is its upper end; a bare number after a diarrhoea word is its count.
@pytest.mark.parametrize("text, expected", [
    ("he's had a temperature of 38.6 twice today and he's shivering", {"Fever": 1, "Chills": None}),
    ("diarrhea for 2 days now", {"Diarrhea": None}),
    ("diarrhoea since 6pm", {"Diarrhea": None}),
    ("diarrhea is better, only 2 today", {"Diarrhea": 1}),
    ("diarrhoea 4-5 times a day", {"Diarrhea": 2}),
    ("大便稀，一天三四次", {"Diarrhea": 2}),
    ("拉肚子一天七八次", {"Diarrhea": 3}),
    ("拉肚子3天了", {"Diarrhea": None}),
])
def test_numbers_in_context(text, expected):
    _check(text, expected)


def test_no_count_for_a_duration():
    item = next(i for i in parse_message("vomiting for 3 days").items if i.ctcae_term == "Vomiting")
    assert item.count is None and item.value is None


@pytest.mark.parametrize("text, expected", [
    ("coughing up a little blood", {"Bronchopulmonary hemorrhage": None}),
    ("尿是酱油色的", {"Urine discoloration": None}),
    ("my pee looks red", {"Hematuria": None}),
    ("鼻子流血了", {"Epistaxis": None}),
    ("嘴巴里面破了好几个口子，很疼", {"Mucositis oral": None}),
    ("手脚麻", {"Peripheral sensory neuropathy": None}),
    ("belly swollen and tight", {"Bloating": None}),
])
def test_more_site_words(text, expected):
    _check(text, expected)


# A batch written and scored once before the fixes it led to (HELDOUT.md, section 3).
@pytest.mark.parametrize("text, expected", [
    ("Dad has been really sleepy today and keeps forgetting what he just said",
     {"Somnolence": None, "Memory impairment": None}),
    ("腹泻每天8次以上，人很虚", {"Diarrhea": 3, "Generalized muscle weakness": None}),
    ("Feel ok but no appetite and lost 2 kg this week", {"Anorexia": None, "Weight loss": None}),
    ("这个月瘦了5斤", {"Weight loss": None}),
    ("she hasn't eaten or drunk anything since yesterday", {"Anorexia": None}),
    ("一整天没吃东西了", {"Anorexia": None}),
    ("leg cramps at night", {"Pain in extremity": None}),
    ("小腿疼", {"Pain in extremity": None}),
    ("hot and cold all night, took temp 38.9", {"Fever": 1, "Chills": None}),
    ("忽冷忽热的，体温38度4", {"Fever": 1, "Chills": None}),
    ("Not much sleep last night because of the pain in my back", {"Insomnia": None, "Back pain": None}),
    ("没有胃口是因为嘴里疼", {"Anorexia": None, "Oral pain": None}),
    ("肚子不舒服，拉了三次稀的", {"Abdominal pain": None, "Diarrhea": 1}),
    ("tummy ache and 4 runny poos since breakfast", {"Abdominal pain": None, "Diarrhea": 2}),
    ("早上喝了点稀饭，没吐", {}),
    ("我今天感觉还可以，没有恶心呕吐，大便也正常", {}),
    ("No pain in the groin, wound looks clean", {}),
    ("no problems with the catheter site, no bleeding, no swelling, not red", {}),
    ("体温一直在37度左右，没超过37.5", {}),
    ("昨天晚上38度6，今天早上退到36度9了", {"Fever": 1}),
    ("a little breathless climbing stairs but fine at rest", {"Dyspnea": None}),
])
def test_fresh_batch(text, expected):
    _check(text, expected)


# A second batch written and scored once before its fixes (HELDOUT.md, section 3).
@pytest.mark.parametrize("text, expected", [
    ("前半夜烧到39度8，后半夜37度3", {"Fever": 2}),
    ("temp up to 40.1 overnight, now 38", {"Fever": 3}),
    ("咳嗽：有；发热：无；腹泻：无", {"Cough": None}),
    ("Cough? No. Fever? No. Tired? Yes, very.", {"Fatigue": None}),
    ("发烧吗？没有。咳嗽吗？有一点", {"Cough": None}),
    ("shortness of breath - no; chest pain - no; ankle swelling - yes", {"Edema limbs": None}),
    ("没发烧，可是一直拉肚子", {"Diarrhea": None}),
    ("no vomiting however still nauseous", {"Nausea": None}),
    ("I haven't had any chills, but my temp is 38.2", {"Fever": 1}),
    ("没有不舒服的地方", {}),
    ("Everything's fine, nothing to report", {}),
    ("the soles of her feet are red and cracked, hurts to walk", {"Palmar-plantar erythrodysesthesia syndrome": None}),
    ("平时一天一次，今天已经4次了", {"Diarrhea": 1}),
    ("usually once a day, today 5 times", {"Diarrhea": 2}),
    ("I denied any pain to the doctor but honestly my belly hurts", {"Abdominal pain": None}),
    ("口腔溃疡没有了", {}),
])
def test_second_fresh_batch(text, expected):
    _check(text, expected)


# A third batch written and scored once before its fixes (HELDOUT.md, section 3).
@pytest.mark.parametrize("text, expected", [
    ("Hello nurse, this is Wei's daughter. Since the HAIC on Monday he has had a fever on and off, highest 39.4 "
     "yesterday afternoon, 37.8 this morning after ibuprofen. He's also had diarrhoea about 6 times today and says "
     "his stomach cramps. Not confused, eating a little.", {"Fever": 2, "Diarrhea": 2, "Abdominal pain": None}),
    ("王护士好，我爸这两天精神不太好，老想睡觉，吃饭也少，今天早上量体温37.6，没有拉肚子也没有吐，就是说右边肋骨下面有点胀痛",
     {"Somnolence": None, "Anorexia": None, "Hepatic pain": None}),
    ("最近饭量小了很多", {"Anorexia": None}),
    ("想问一下，吃了止吐药还是恶心，正常吗", {"Nausea": None}),
    ("took a painkiller for the headache", {"Headache": None}),
    ("退烧药吃了，现在36.8", {}),
    ("Should I be worried that my legs are swollen?", {"Edema limbs": None}),
    ("大便没有血，颜色正常", {}),
    ("diarrea 7x today", {"Diarrhea": 3}),
    ("fevr 38.8", {"Fever": 1}),
    ("no SOB, no CP", {}),
    ("胸痛没有，气促没有", {}),
    ("Fever gone since yesterday, temp 36.9 today", {}),
    ("又发烧了，38度5", {"Fever": 1}),
    ("skin not itchy, rash fading", {"Rash maculo-papular": None}),
    ("我没有发烧，体温36.5，也没咳嗽，请问明天还要抽血吗", {}),
    ("I am not tired at all but my back hurts", {"Back pain": None}),
])
def test_third_fresh_batch(text, expected):
    _check(text, expected)


# A fourth batch (less common terms and colloquial words), scored once before its fixes.
@pytest.mark.parametrize("text, expected", [
    ("这两天老是犯困，白天也想睡", {"Somnolence": None}),
    ("胃里翻江倒海的，想吐又吐不出来", {"Nausea": None}),
    ("大便不通，三天了", {"Constipation": None}),
    ("牙龈老出血，刷牙的时候", {"Oral hemorrhage": None}),
    ("小便的时候疼", {"Urinary tract pain": None}),
    ("my pee burns", {"Urinary tract pain": None}),
    ("身上一阵一阵地发热出汗", {"Hot flashes": None, "Hyperhidrosis": None}),
    ("看东西有点模糊", {"Blurred vision": None}),
    ("my vision is a bit fuzzy", {"Blurred vision": None}),
    ("my throat is killing me and it hurts to swallow", {"Sore throat": None, "Esophageal pain": None}),
    ("legs feel like jelly", {"Generalized muscle weakness": None}),
    ("I keep needing to wee", {"Urinary frequency": None}),
    ("face is puffy", {"Edema face": None}),
    ("脸有点肿", {"Edema face": None}),
    ("脸色发黄", {"Blood bilirubin increased": None}),
    ("pooing water 8 times since midnight", {"Diarrhea": 3}),
    ("nose bleed this morning, stopped after 10 min", {}),
    ("体温37.9", {}),
    ("体温38.0", {"Fever": 1}),
    ("昨天最高烧到40.2度，今天最高38.5", {"Fever": 3}),
])
def test_fourth_fresh_batch(text, expected):
    _check(text, expected)


# A fifth batch (temperatures and counts written every way, list-style answers), scored once
# before its fixes. Every temperature here must grade exactly.
@pytest.mark.parametrize("text, expected", [
    ("最高体温39.1℃，现在36.8℃", {"Fever": 2}),
    ("T 38.6", {"Fever": 1}),
    ("38.5? is that bad", {"Fever": 1}),
    ("体温：38.3度（腋下）", {"Fever": 1}),
    ("烧了一晚上，最高到了三十九度", {"Fever": 1}),
    ("temperature was 102.2 and now 99.1", {"Fever": 1}),   # 102.2 °F = 39.0 °C
    ("量了三次体温：37.6、38.4、37.9", {"Fever": 1}),
    ("temps 37.8 / 38.2 / 37.4 today", {"Fever": 1}),
    ("体温37.8，算发烧吗", {}),
    ("I don't think it's a fever, 37.7", {}),
    ("体温不高，就是没力气", {"Fatigue": None}),
    ("weighed myself: 38.5 kg", {}),
    ("stools: 3 yesterday, 8 today, watery", {"Diarrhea": 3}),
    ("拉肚子：昨天5次，今天3次", {"Diarrhea": 2}),
    ("diarrhoea yesterday x6, today x2", {"Diarrhea": 2}),
    ("腹泻没有，大便一天1次", {}),
    ("she isn't eating, isn't drinking and isn't talking much", {"Anorexia": None}),
    ("neither nausea nor vomiting", {}),
    ("既不恶心也不吐", {}),
    ("fever? none. cough? a little", {"Cough": None}),
    ("胃口：差；睡眠：差；大便：正常", {"Anorexia": None, "Insomnia": None}),
    ("sleep is poor, appetite poor", {"Anorexia": None, "Insomnia": None}),
])
def test_fifth_fresh_batch(text, expected):
    _check(text, expected)


def test_a_number_alone_stays_an_answer():
    parsed = parse_message("37.9")
    assert parsed.items == () and parsed.bare_value == 37.9
