import type { accessibility as AccessibilitySource, privacy as PrivacySource } from '../zh-CN/legal.ts';

export const privacy: typeof PrivacySource = {
  title: 'Privacy policy',
  updated: 'Published: 21 November 2026. In force from: 21 November 2026.',
  intro: [
    'When you raise an issue with the 12345 Citizen Service Hotline (on this website, through the mayor’s mailbox, the WeChat official account, Telegram or by phone), you give us some personal information. This policy explains in plain words what we collect, why, who receives it, how long we keep it, and what your rights are.',
    'We handle your personal information under the Personal Information Protection Law, the Data Security Law and the Cybersecurity Law of the People’s Republic of China. The Chinese version of this policy is the authoritative one.',
  ],
  tocTitle: 'Contents',
  sections: [
    {
      id: 'who',
      heading: '1. Who is responsible for your information',
      paragraphs: [
        'The Demo City 12345 Citizen Service Hotline is set up and run by the Demo City Government Services Administration (“we”). We are the handler of your personal information and responsible for keeping it safe.',
        'The departments that handle your request (city and district government departments, sub-districts and so on) must protect your information by the same rules while they work on it.',
      ],
    },
    {
      id: 'what',
      heading: '2. What we collect',
      paragraphs: ['What we collect differs a little by channel:'],
      items: [
        'Website, “Report an issue”: the type, title and details of your request, where and when it happened (district, sub-district, address), photos you upload, your name and mobile number (not collected if you choose to stay anonymous).',
        'Mayor’s mailbox: the same, plus whom you chose to write to (the mayor, the party secretary or a district head).',
        'WeChat official account: the same, plus the identifier of your WeChat account for our official account (OpenID), used to send replies and progress back to you. We cannot see your WeChat ID, contacts or Moments.',
        'Telegram: the same, plus the identifier of your Telegram account (user ID), for the same purpose.',
        'Phone 12345: what the operator writes down about your request and its place, your name and the number you called from.',
        'Website, “Ask a question”: the question you type. When the knowledge base has no answer, we keep the wording of the question (with phone and ID numbers blanked out) to add to our common questions. It is not linked to who you are.',
        'Your network (IP) address: only to limit repeated submissions and guessing of query codes. The counts are cleared automatically after 15 minutes to 24 hours.',
      ],
      after: ['Please do not write ID card numbers, bank card numbers, medical records or other sensitive information in your request unless it is really needed to handle it.'],
    },
    {
      id: 'why',
      heading: '3. Why we collect it',
      paragraphs: [],
      items: [
        'To accept and handle your request: to know what happened and where.',
        'To pass it to the department responsible, which handles it and replies.',
        'To contact you: the department may ask for details and tell you the result, and the hotline may call you back to ask whether you are satisfied.',
        'To let you track it with your case number and query code.',
        'To count and improve our work, for example the number of requests and satisfaction by district and topic. Statistics only use data with personal identity removed.',
      ],
      after: ['We never use your information for marketing and never sell it.'],
    },
    {
      id: 'basis',
      heading: '4. On what legal basis',
      paragraphs: [
        'Receiving, passing on, answering and following up residents’ requests is a statutory duty of the government. Handling your information for these duties is “necessary to perform statutory duties” under Article 13 of the Personal Information Protection Law and does not need your separate consent.',
        'Publishing your request on Resolved cases or among the published letters needs your consent. It is published only if you tick “I agree to publication” when you submit, and you can withdraw that consent at any time.',
      ],
    },
    {
      id: 'share',
      heading: '5. Who receives your information',
      paragraphs: [],
      items: [
        'Staff of the 12345 hotline: to accept, pass on, supervise and follow up requests.',
        'The department handling it: to handle your request. If you ask for confidentiality, the department only sees your name and phone number partly blanked out (for example 张*, 138****5678); when they need to reach you, the hotline passes the message on.',
        'Resolved cases and published letters: only requests you agreed to publish and that are not confidential, with names, phone numbers, ID numbers and house numbers removed. Reports of wrongdoing are never published.',
        'WeChat and Telegram: when you contact us through them, your messages pass through the servers of Tencent and of Telegram, under their own privacy policies. Telegram’s servers are outside mainland China; if you do not want your information to leave the country, please use the website, the mayor’s mailbox or the phone.',
      ],
      after: ['Except where laws or administrative regulations require it, we do not give your personal information to any other organisation or person.'],
    },
    {
      id: 'keep',
      heading: '6. How long we keep it',
      paragraphs: [],
      items: [
        'Cases (the request, the reply, the handling record and photos attached to the case): kept as government service records for 10 years under the archive rules, then deleted or stripped of identity.',
        'Photos uploaded but never submitted: deleted automatically after 24 hours.',
        'Records of staff viewing full contact details: kept as long as the case.',
        'Counts that limit repeated submissions (including IP addresses): cleared automatically after 15 minutes to 24 hours.',
        'Server access logs: only which page was requested and the result, never what you typed; kept for 6 months as the Cybersecurity Law requires, then deleted.',
      ],
    },
    {
      id: 'security',
      heading: '7. How we protect it',
      paragraphs: [],
      items: [
        'Query codes are stored only as a one-way hash: no member of staff can see your query code.',
        'Photos you upload are re-created, removing the place they were taken (GPS), the phone model and other hidden details.',
        'Staff screens show names and phone numbers partly blanked out by default; every time someone views the full contact details, it is recorded and can be traced.',
        'When you track a case, the case number and query code travel only inside the form you submit, never in the web address, and the result page is not stored by your browser or by proxies.',
        'Repeatedly entering a wrong query code is blocked for a while, so others cannot guess it.',
        'Staff have access according to their role and can only handle the cases within their responsibility.',
      ],
    },
    {
      id: 'cookies',
      heading: '8. Cookies',
      paragraphs: ['This website uses only these three cookies, and none of them tracks you:'],
      items: [
        'hotline_csrf: for form security, so that other websites cannot submit forms in your name. It holds only random characters, nothing about you, and is kept for 1 year.',
        'lang: remembers the language you chose (Chinese or English), kept for 1 year.',
        'care: remembers whether you turned on larger text mode, kept for 1 year.',
      ],
      after: ['This website has no advertising, no analytics or tracking code, and loads no scripts from other websites.'],
    },
    {
      id: 'rights',
      heading: '9. Your rights',
      paragraphs: ['You have the right to:'],
      items: [
        'see and copy the information we hold about you;',
        'have it corrected or completed when it is wrong or incomplete;',
        'have it deleted when it is no longer needed. Case records kept as archives cannot be deleted during the retention period, but we then stop all handling other than storing and protecting them;',
        'withdraw your consent to publication, and have your request taken off Resolved cases or the published letters;',
        'ask us to explain this policy or how we handle your information.',
      ],
      after: [
        'How: call the 12345 hotline or write through the mayor’s mailbox, saying what you want and giving your case number. To protect your information, we first check that it is you (for example with the case number and query code, or the mobile number you gave).',
        'We reply within 15 working days; taking a published request down is usually done within 5 working days.',
      ],
    },
    {
      id: 'minors',
      heading: '10. Children',
      paragraphs: [
        'Children under 14 should file requests together with a parent or other guardian. If we find that published content contains a child’s personal information, we take it down at once.',
      ],
    },
    {
      id: 'changes',
      heading: '11. Changes to this policy',
      paragraphs: [
        'When the law or our practice changes, we update this policy and show the new date on this page. Important changes (for example collecting new information or using it for a new purpose) are announced on the home page in advance.',
      ],
    },
    {
      id: 'contact',
      heading: '12. Contact us',
      paragraphs: [
        'For any question, comment or complaint about personal information, call the 12345 hotline (24 hours a day) or write through the mayor’s mailbox. You can also complain to the Demo City cyberspace administration.',
      ],
    },
  ],
};

export const accessibility: typeof AccessibilitySource = {
  title: 'Accessibility statement',
  updated: 'Published: 21 November 2026. Last checked: 21 November 2026.',
  intro: [
    'We want every resident, including older people, people with poor sight and people who use only a keyboard or a screen reader, to be able to raise issues and track them on this website. This statement says what we have done, what is still lacking, and how to tell us when something is hard to use.',
  ],
  tocTitle: 'Contents',
  sections: [
    {
      id: 'standard',
      heading: '1. What we aim for',
      paragraphs: [
        'This website is built to meet level AA of the Web Content Accessibility Guidelines (WCAG) 2.1 and the national standard GB/T 37668-2019 (technical requirements and test methods for accessibility of web content).',
        'We believe the website mostly meets these requirements; the few known gaps are listed under “Known problems” below.',
      ],
    },
    {
      id: 'done',
      heading: '2. What we have done',
      paragraphs: [],
      items: [
        'Larger text mode: bigger type, higher contrast and bigger buttons. It can be switched on or off at the top of every page, and the website remembers your choice.',
        'Keyboard only: every link, button and field can be reached with the Tab key, with a clear yellow outline showing where you are; every page starts with a “Skip to main content” link.',
        'Screen readers: pages have a clear order of headings and regions, every field has a text label, and no icon is used without text.',
        'Works without JavaScript: every form (reporting an issue, writing a letter, tracking a case, rating) can be submitted; scripts only add helpers such as suggestions while you type.',
        'Errors are shown next to the field concerned and listed at the top of the page, with links to each field; what you have typed is never lost.',
        'No time limits: if a page was left open for a long time, you are only asked to check and submit again, and everything you typed is kept.',
        'No picture CAPTCHA: the website checks automatically in the background; when your browser cannot, you answer a simple sum.',
        'Phone first: pages are designed for phone screens and still show everything without scrolling sideways when zoomed to 200%.',
        'Text and background contrast meets level AA, and colour is never the only signal (errors also have words and a symbol).',
        'No sound, video or flashing content that starts by itself.',
      ],
    },
    {
      id: 'testing',
      heading: '3. How we check',
      paragraphs: [],
      items: [
        'Automated checks: before every release, each page is checked with the axe-core tool in a real browser; a version that fails cannot be released.',
        'Manual checks: we go through reporting an issue, writing a letter, tracking and rating using only the keyboard, and check the display on phone screens and when zoomed.',
        'We check every form again with JavaScript turned off.',
      ],
    },
    {
      id: 'limits',
      heading: '4. Known problems',
      paragraphs: ['We know of these gaps and are working on them:'],
      items: [
        'Replies from departments and the answers to common questions are written by the departments; some are long or use technical words.',
        'Photos uploaded by residents cannot be described automatically: screen readers only announce that there are photos and how many.',
        'When you use WeChat or Telegram, how accessible the screens are depends on those apps.',
        'A place can only be given in words for now, not picked on a map.',
        'Messages that come from the hotline’s systems (such as the status of a case, the history of a case, and the names of districts, topics and departments) are shown in Chinese on the English pages.',
      ],
    },
    {
      id: 'feedback',
      heading: '5. If something is hard to use',
      paragraphs: ['If anything on this website is hard for you to use, please tell us:'],
      items: [
        'Call the 12345 hotline (24 hours a day). You can also do on the phone whatever you meant to do online.',
        'Write through the mayor’s mailbox, saying which page and what went wrong.',
      ],
      after: ['We reply within 5 working days and fix the problem as soon as we can.'],
    },
  ],
};
