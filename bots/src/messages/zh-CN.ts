// Every word the bots say to citizens. Code refers to these by name only.

export const zhCN = {
  buttons: {
    solved: '解决了',
    notSolved: '没解决',
    file: '我要反映',
    noThanks: '不用了',
    myTickets: '我的工单',
    progress: '查询进度',
    help: '帮助',
    cancel: '取消',
    confirm: '确认提交',
    editLocation: '修改地点',
    editContact: '修改联系方式',
    editDescription: '修改内容',
    anonymous: '匿名',
    skip: '跳过',
    done: '照片发完了',
    now: '刚刚',
    today: '今天',
    yesterday: '昨天',
    ongoing: '一直存在',
    satisfied: '满意',
    basicallySatisfied: '基本满意',
    unsatisfied: '不满意',
    resolvedYes: '已解决',
    resolvedNo: '未解决',
    rate: (ticketNo: string) => `评价 ${ticketNo}`,
    reopen: (ticketNo: string) => `申请重办 ${ticketNo}`,
    view: (ticketNo: string) => `查看 ${ticketNo}`,
    skipStreet: '不清楚街道',
    unknownAddress: '不清楚',
    supplement: '补充到这个工单',
    fileAnyway: '重新提交',
    follow: '关注这个工单',
    fileMine: '仍然提交我的',
  },

  /** What the citizen may type instead of tapping: the first word is the button's own text. */
  words: {
    cancel: ['取消', '退出', '算了', '不办了'],
    help: ['帮助', '菜单', '/help', '/menu', '？', '?', '你好', '您好'],
    myTickets: ['我的工单', '我的诉求', '/mytickets'],
    /** The menu's 问答 button. */
    ask: ['问答', '咨询', '提问'],
    progress: ['查询进度', '进度', '查进度', '进度查询', '/progress'],
    file: ['我要反映', '反映', '投诉', '我要投诉', '提交', '是', '好', '要', '/file'],
    /** Start a filing from anywhere (only explicit words: a bare "好" after an answer means thanks). */
    startFiling: ['我要反映', '我要投诉', '/file'],
    noThanks: ['不用了', '不用', '否', '不要'],
    solved: ['解决了', '已解决'],
    notSolved: ['没解决', '没有解决', '未解决'],
    confirm: ['确认提交', '确认', '提交'],
    anonymous: ['匿名', '匿名反映'],
    skip: ['跳过', '没有', '无'],
    done: ['照片发完了', '好了', '发完了', '完成', '没有了'],
    supplement: ['补充到这个工单', '补充', '是同一件事'],
    follow: ['关注这个工单', '关注', '是同一件事'],
    /** Not knowing the place: accepted only where the matter has no fixed place. */
    unknownPlace: ['不清楚', '不知道', '不记得', '忘了', '说不清', '不清楚地址'],
  },

  welcome:
    '您好，这里是 12345 市民服务热线。\n您可以直接说出您的问题，我会先为您查找答复；需要相关部门处理的，我可以帮您提交诉求。\n紧急情况请直接拨打 110（报警）、119（火警）、120（急救）。',
  help:
    '您可以：\n· 直接提问，例如“社保卡丢了怎么补办”\n· 发送“我要反映”提交诉求\n· 发送“我的工单”查看通过本账号提交的工单\n· 发送“查询进度”凭工单编号和查询码查询\n· 任何时候发送“取消”退出当前步骤',
  groupHelp: '您好，我是 12345 热线助手。在群里 @我 提问，我会为您查找答复；需要提交诉求请私聊我。',

  emergency: {
    '110': '⚠️ 这可能是紧急情况：请立即拨打 110 报警！',
    '119': '⚠️ 这可能是紧急情况：请立即拨打 119（火警、燃气泄漏、抢险救援）！',
    '120': '⚠️ 这可能是紧急情况：请立即拨打 120 医疗急救！',
    after: '确保安全后，如还需要反映问题，可以继续告诉我。',
  },

  answer: {
    source: (title: string) => `（来源：${title}）`,
    solvedQuestion: '解决了吗？',
    solvedOrFile: '解决了吗？如需有关部门处理，请点“我要反映”提交诉求。',
    glad: '很高兴能帮到您。还有其他问题可以随时问我。',
    notFound: '抱歉，暂时没有找到确切的答复。',
    offerFiling: '需要把这个问题作为诉求提交给相关部门办理吗？',
    declined: '好的。还有其他问题可以随时问我。',
    searchDown: '答复查询暂时不可用。',
    groupNotFound: '抱歉，暂时没有找到确切的答复。如需提交诉求，请私聊我或拨打 12345。',
  },

  filing: {
    start: '好的，我来帮您提交诉求。请用一段话说说发生了什么事、在哪里。',
    tooShort: '请用一句话说说发生了什么事，例如“路灯坏了”。',
    askDistrict: '请问事情发生在哪个区？请点选，或直接发送详细地址、位置。',
    askStreet: (district: string) => `${district}的哪个街道？不清楚可以跳过。`,
    askAddress:
      '请补充详细地址：路名和门牌号，或小区和楼栋，或附近的标志性地点（如“人民公园东门”）；也可以直接发送位置。\n有了具体地点，承办单位才能找到现场处理。',
    addressNeeded:
      '这件事需要承办单位到现场处理，没有具体地点就无法派单。请说说附近的路名、小区或标志性建筑，也可以发送位置；实在说不清，可以拨打 12345 由话务员帮您确认。',
    notAnAddress: '这个地点承办单位还找不到。请发送路名和门牌号、小区和楼栋，或附近的标志性地点；也可以发送位置。',
    notATime: '没有听明白时间。请点选，或直接说（如“昨天晚上”“一直存在”）。',
    tookPhone: (phone: string) => `已记下您的联系电话 ${phone}。`,
    tookAddress: (address: string) => `已记下地点：${address}。`,
    tookTime: (time: string) => `已记下时间：${time}。`,
    unknownDistrict: '没有识别出这个区，请点选下面的区，或发送详细地址、位置。',
    askTime: '事情是什么时候发生的？可以点选，也可以直接说（如“上周一晚上”）。',
    askContact: '请留下您的姓名和手机号，方便承办部门联系您，例如“张三 13800000000”。\n不方便留的话，请回复“匿名”。',
    badContact: '没有识别出手机号，请按“张三 13800000000”的格式发送，或回复“匿名”。',
    askPhotos: '如有现场照片，欢迎直接发送（最多 6 张）；发完或没有照片，请点“照片发完了”。',
    photoReceived: (count: number) => `已收到第 ${count} 张照片。可以继续发送，发完请点“照片发完了”。`,
    photoLimit: '照片最多 6 张，已经够了。请点“照片发完了”继续。',
    photoFailed: (reason: string) => `这张照片没有收到：${reason}`,
    photoNotNow: '现在不需要照片。如要提交诉求，请发送“我要反映”。',
    askDescription: '请重新说说您要反映的内容：',
    summaryTitle: '请核对您的诉求：',
    summaryType: (label: string) => `类型：${label}`,
    summaryContent: (text: string) => `内容：${text}`,
    summaryLocation: (text: string) => `地点：${text}`,
    summaryTime: (text: string) => `时间：${text}`,
    summaryContact: (text: string) => `联系人：${text}`,
    summaryAnonymous: '联系人：匿名',
    summaryPhotos: (count: number) => `照片：${count} 张`,
    summaryUrgent: '紧急程度：紧急',
    summaryHint: '无误请点“确认提交”，需要修改请点对应按钮。',
    confirmFirst: '请点“确认提交”，或选择要修改的内容；发送“取消”可以放弃。',
    submitted: (ticketNo: string, queryCode: string) =>
      `诉求已提交。\n工单编号：${ticketNo}\n查询码：${queryCode}\n请保存好查询码，凭编号和查询码可以查询进度；办理有进展时我会通知您。`,
    failed: (reason: string) => `提交没有成功：${reason}`,
    groupNoFiling: '为保护您的个人信息，请私聊我提交诉求，或拨打 12345。',
    location: (lat: number, lng: number) => `位置坐标 ${lat.toFixed(5)}, ${lng.toFixed(5)}`,
    unknownTime: '未说明',
    ongoing: '一直存在',
  },


  /** Others reported the same matter already: follow their ticket instead of filing again. */
  sameMatter: {
    offer: (reporters: number, ticketNo: string, title: string, status: string) =>
      `这个问题已有 ${reporters} 位市民反映，工单 ${ticketNo}（${title}）正在办理，状态：${status}。\n如果说的是同一件事，可以关注这个工单：办理进展会在这里通知您，也算作您反映过，不用重复提交。也可以仍然提交您自己的。`,
    followed: (ticketNo: string, reporters: number) => `已关注工单 ${ticketNo}，现在共有 ${reporters} 位市民反映这个问题。办理有进展时我会通知您。`,
    pick: '请点“关注这个工单”或“仍然提交我的”；发送“取消”可以放弃。',
    failed: (reason: string) => `关注没有成功：${reason}。我们继续提交您自己的诉求。`,
  },

  supplement: {
    offer: (ticketNo: string, title: string, status: string) =>
      `您通过本账号反映的工单 ${ticketNo}（${title}）还在办理中，状态：${status}。\n如果说的是同一件事，可以把这条消息补充到这个工单，承办单位会看到，不用重新提交。`,
    added: (ticketNo: string) => `已补充到工单 ${ticketNo}，承办单位会看到您补充的内容。办理有进展时我会通知您。`,
    pick: '请点“补充到这个工单”或“重新提交”；发送“取消”可以放弃。',
    failed: (reason: string) => `补充没有成功：${reason}`,
  },

  voice: {
    heard: (text: string) => `我听到的是：“${text}”\n如有听错，可以发送“取消”后重新说，或者打字告诉我。`,
    unreadable: '抱歉，暂时还听不懂语音。请打字告诉我（点输入框左边的键盘图标可以切换成文字输入），或直接拨打 12345 热线，话务员会帮您。',
  },
  askPrompt: '请直接说出您的问题，例如“社保卡丢了怎么补办”，我会为您查找答复。',

  cancelled: '已取消。有需要随时找我。',
  nothingToCancel: '当前没有进行中的操作。',
  filingLeft: '刚才还没提交的诉求已放弃；需要时请重新发送“我要反映”。',
  expired: '您好，由于较长时间没有收到您的消息，刚才的操作已结束，未提交的内容没有保存。请重新开始。',
  notText: '抱歉，我只能看懂文字、图片和位置。',
  /** A digit or symbol on its own, with no options on offer. */
  noWords: '请用一句话说说您的问题，例如“社保卡丢了怎么补办”；也可以选择下面的服务。',
  error: '抱歉，系统暂时出了点问题，请稍后再试；紧急情况请拨打 12345。',
  unavailable: '服务暂时不可用，请稍后再试；紧急情况请拨打 12345。',

  myTickets: {
    none: '您还没有通过本账号提交过工单。发送“我要反映”可以提交诉求。',
    title: '您最近提交的工单：',
    line: (i: number, ticketNo: string, title: string, status: string) => `${i}. ${ticketNo} ${title}（${status}）`,
    hint: '点选工单可以查看详情。',
  },

  progress: {
    askTicketNo: '请发送工单编号（12 位以上数字）。',
    badTicketNo: '工单编号应为 12 位以上数字，请核对后重新发送。',
    askQueryCode: '请发送查询码（8 位数字）。',
    badQueryCode: '查询码应为 8 位数字，请核对后重新发送。',
    view: (t: { ticketNo: string; title: string; statusLabel: string }) => `工单 ${t.ticketNo}\n${t.title}\n状态：${t.statusLabel}`,
    unit: (name: string) => `承办单位：${name}`,
    due: (date: string) => `办理时限：${date}`,
    reply: (text: string) => `答复：${text}`,
    latest: (text: string) => `最新进展：${text}`,
    rated: '您已评价，感谢您的反馈。',
    canRate: '您可以对答复进行评价；如对结果不满意，可以申请重办。',
  },

  rating: {
    askProcess: '您对办理过程满意吗？',
    askResult: '您对办理结果满意吗？',
    askResolved: '问题解决了吗？',
    pick: '请点选下面的选项。',
    thanks: '感谢您的评价。',
    reopened: '您对办理结果不满意，工单已重新办理，有进展会通知您。',
    askReason: '请说说需要重办的理由：',
    reasonTooLong: '理由不能超过 500 个字，请精简后重新发送。',
    reopenRequested: '已收到您的重办申请，工单已重新办理，有进展会通知您。',
    reopenNotAllowed: '这个工单已超过重办期限或次数，无法在线申请重办；如有需要请拨打 12345。',
    failed: (reason: string) => `没有成功：${reason}`,
  },

  notification: {
    dispatch: (ticketNo: string) => `您的工单 ${ticketNo} 已派给承办单位办理。`,
    reply: (ticketNo: string) => `您的工单 ${ticketNo} 已有答复，请查看并评价。`,
    answer_directly: (ticketNo: string) => `您的工单 ${ticketNo} 已由热线直接答复，请查看并评价。`,
    reject: (ticketNo: string) => `您的工单 ${ticketNo} 不予受理，可查看原因。`,
    close: (ticketNo: string) => `您的工单 ${ticketNo} 已办结。感谢您的反映。`,
    auto_close: (ticketNo: string) => `您的工单 ${ticketNo} 已办结。感谢您的反映。`,
  } as Record<string, (ticketNo: string) => string>,

  numbered: (i: number, label: string) => `${i}. ${label}`,
  numberedHint: '请回复选项前的数字或文字。',
  telegram: {
    photoTooLarge: '图片太大了（超过 10 MB），请压缩后再发送。',
    downloadFailed: '图片下载失败，请重新发送。',
  },
} as const;

export type Messages = typeof zhCN;
