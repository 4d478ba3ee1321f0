"""The review page in a real headless Chromium (Debian's chromium and chromium-driver; `make
browser` installs them): paste and load ads, see highlights and cards, decide by keyboard,
export; hostile ads render inert. Set SCREENER_PAGE_SCREENSHOT=docs/review-page.png to keep the
screenshot the test takes."""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from conftest import running  # noqa: E402
from screener.service.app import create_app  # noqa: E402
from screener.service.reviews import ReviewStore  # noqa: E402

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()), reason="needs Debian's chromium and chromium-driver: run `make browser`")
LURE = (
    "Hiring now! Girls 18-25 for hostess work in a VIP club abroad. Salary 4000 USD per month. "
    "We pay your flight ticket, the cost is deducted from your first salaries. 💵 Contact only on W h a t s A p p."
)
# Flags that keep Chromium from reaching for the network (it hangs on a closed one).
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,2050")


@pytest.fixture(scope="module")
def site(default_bundle, tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    db = folder / "reviews.sqlite"
    with running(create_app(default_bundle, db_path=db)) as url:
        yield url, db, folder


@pytest.fixture(scope="module")
def browser(site):
    folder = site[2]
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={folder / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(folder / "downloads"), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait_for(driver, condition, timeout=20):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def paste(driver, text):
    box = driver.find_element(By.ID, "paste")
    driver.execute_script("arguments[0].value = arguments[1]", box, text)  # send_keys cannot type every character
    driver.find_element(By.CSS_SELECTOR, "#paste-form button").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "paste").get_attribute("value") == "" or "Not screened" in d.find_element(By.ID, "status").text)


def press(driver, key):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def no_alert(driver):
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_paste_review_by_keyboard_and_export(site, browser, tmp_path):
    url, db, folder = site
    browser.get(url)
    wait_for(browser, lambda d: "Model default" in d.find_element(By.ID, "model").text)
    paste(browser, LURE)
    assert browser.find_element(By.ID, "risk").text.startswith("Risk ")
    assert browser.find_element(By.ID, "level").text == "high"
    marks = browser.find_elements(By.CSS_SELECTOR, "#text mark.hit")
    assert {m.get_attribute("class").split()[1] for m in marks} >= {"el-ACT", "el-MEANS", "el-PURPOSE"}
    assert "W h a t s A p p" in [m.text for m in marks]  # offsets counted in code points: the emoji before it shifts nothing
    tip = marks[0].get_attribute("aria-describedby")
    assert "(+" in browser.find_element(By.ID, tip).get_attribute("textContent") and marks[0].get_attribute("tabindex") == "0"
    cards = browser.find_elements(By.CSS_SELECTOR, "#cards .card")
    assert [c.find_element(By.TAG_NAME, "h4").text for c in cards] == ["ACT", "MEANS", "PURPOSE", "Child branch (Art. 3(c))"]
    assert "Present" in cards[0].text and "Girls 18-25" in cards[0].find_element(By.TAG_NAME, "q").text
    press(browser, "e")
    assert browser.switch_to.active_element.get_attribute("id") == "note"
    browser.switch_to.active_element.send_keys("pay deducted, contact off platform", Keys.ESCAPE)
    press(browser, "s")
    wait_for(browser, lambda d: "Recorded" in d.find_element(By.ID, "status").text)
    reviews = list(ReviewStore(db))
    assert [(r.text, r.decision, r.note) for r in reviews] == [(LURE, "suspicious", "pay deducted, contact off platform")]
    assert browser.find_element(By.CSS_SELECTOR, "button.decision.suspicious").get_attribute("aria-pressed") == "true"
    browser.execute_script("window.scrollTo(0, 0); arguments[0].focus({preventScroll: true})", browser.find_element(By.CSS_SELECTOR, "#text mark.hit"))
    shot = tmp_path / "review-page.png"
    browser.save_screenshot(str(shot))
    if os.environ.get("SCREENER_PAGE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["SCREENER_PAGE_SCREENSHOT"])

    browser.find_element(By.ID, "export").click()
    exported = folder / "downloads" / "reviews.csv"
    wait_for(browser, lambda d: exported.exists() and exported.stat().st_size > 0)
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert [(r["text"], r["label"], r["decision"]) for r in rows] == [(LURE, "1", "suspicious")]
    assert no_alert(browser)


def test_a_file_of_ads_is_queued_flagged_first(site, browser, tmp_path):
    ads = tmp_path / "ads.csv"
    with ads.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerow(["benign", "Warehouse operative, Leeds, 37.5 hours a week, apply with your CV."])
        writer.writerow(["lure", 'Girls 18-25 for "hostess" work abroad,\nwe pay your flight, cost deducted from salary. WhatsApp only.'])
    browser.get(site[0])
    browser.find_element(By.ID, "file").send_keys(str(ads))
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#queue li")) == 2)
    queue = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#queue li")]
    assert "lure" in queue[0] and "flagged" in queue[0] and "benign" in queue[1]
    press(browser, "j")
    assert browser.find_element(By.ID, "ad-title").text == "Ad benign"
    press(browser, "n")
    wait_for(browser, lambda d: "Recorded" in d.find_element(By.ID, "status").text)
    assert any(r.ad_id == "benign" and r.decision == "not_suspicious" for r in ReviewStore(site[1]))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> hostess work abroad, we pay your flight",
        "<img src=x onerror=alert(1)> Girls 18-25 wanted, WhatsApp only",
        "Nanny job abroad \u202eyrotcaf ni krow\u202c, the agency keeps your passport",
        ("<img src=x onerror=alert(2)> Kitchen porter wanted in Leeds, 37 hours a week, apply online. " * 1200)[:100_000],
    ],
    ids=["script", "onerror", "rtl-override", "100k"],
)
def test_hostile_ads_render_inert_and_readable(site, browser, text):
    browser.get(site[0])
    wait_for(browser, lambda d: "Model default" in d.find_element(By.ID, "model").text)
    paste(browser, text)
    time.sleep(0.2)  # a handler, had one been injected, would have run by now
    assert no_alert(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#detail img, #queue img, #detail script, #queue script") == []
    shown = browser.find_element(By.ID, "text").get_attribute("textContent")
    visible = text.replace("\u202e", "⟨U+202E⟩").replace("\u202c", "⟨U+202C⟩")
    assert shown == visible
    assert browser.find_element(By.ID, "text").is_displayed()


def test_api_reference_renders_from_local_files(site, browser):
    url = site[0]
    browser.get(url + "/docs")
    wait_for(browser, lambda d: "/v1/screen" in d.find_element(By.ID, "swagger-ui").text)
    assert "/v1/reviews" in browser.find_element(By.ID, "swagger-ui").text
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
