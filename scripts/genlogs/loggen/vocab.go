package loggen

// The vocabulary of ordinary lines. Strings inside quoted fields are written as Apache
// writes them: a quote in the value appears as \" and a backslash as \\.

var methods = newTable(
	choice{"GET", 920}, choice{"POST", 50}, choice{"HEAD", 20}, choice{"OPTIONS", 5}, choice{"PUT", 5},
)

var protocols = newTable(choice{"HTTP/1.1", 85}, choice{"HTTP/2.0", 10}, choice{"HTTP/1.0", 5})

// staticTargets never contain "robots": near misses are written on purpose, elsewhere.
var staticTargets = uniform(
	"/", "/", "/", "/index.html", "/about/", "/contact", "/pricing", "/blog/", "/docs/getting-started",
	"/favicon.ico", "/favicon.ico", "/sitemap.xml", "/feed.xml", "/apple-touch-icon.png",
	"/static/css/site.css", "/static/css/site.css", "/static/js/app.js", "/static/js/app.js",
	"/static/js/vendor.min.js", "/images/logo.png", "/images/hero.jpg", "/fonts/inter.woff2",
	"/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/.env", "/login?next=%2Faccount",
	"/search?q=access+logs&page=2", "/index.php?option=com_content&view=article",
)

// numberedTargets get a random number appended, so paths are not all from a short list.
var numberedTargets = uniform(
	"/blog/post-", "/api/v1/items/", "/products?id=", "/downloads/release-1.", "/user/", "/static/img/thumb-",
)

var statuses = newTable(
	choice{"200", 700}, choice{"304", 100}, choice{"404", 100}, choice{"301", 50}, choice{"500", 20}, choice{"302", 30},
)

var identities = newTable(choice{"-", 995}, choice{"www-data", 3}, choice{"nobody", 2})

var users = newTable(
	choice{"-", 970}, choice{"alice", 10}, choice{"bob", 8}, choice{"admin", 6}, choice{"deploy", 4}, choice{"j.doe", 2},
)

var referers = newTable(
	choice{"-", 550},
	choice{"https://www.example.com/", 150},
	choice{"https://www.google.com/", 100},
	choice{"https://www.example.com/blog/", 60},
	choice{"https://www.bing.com/search?q=log+analysis", 40},
	choice{"https://t.co/x9QzK2", 30},
	choice{"http://localhost:8080/admin?tab=users", 20},
	choice{"android-app://com.google.android.gm/", 10},
	choice{`https://example.com/say?\"hi\"`, 10},
)

var agents = newTable(
	choice{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", 300},
	choice{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15", 150},
	choice{"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", 100},
	choice{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", 120},
	choice{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 80},
	choice{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 50},
	choice{"curl/8.5.0", 40},
	choice{"python-requests/2.32.3", 30},
	choice{"Wget/1.21.4", 20},
	choice{"Go-http-client/1.1", 20},
	choice{"-", 30},
	choice{`Mozilla/5.0 \"quoted\" agent`, 30},
	choice{`Mozilla/4.0 (compatible; MSIE 6.0; C:\\Windows\\agent.exe)`, 20},
	choice{`Scanner/1.0 \\\"injected\\\"`, 10},
)

// robotsAgents are the crawlers that fetch robots.txt.
var robotsAgents = newTable(
	choice{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 40},
	choice{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 20},
	choice{"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", 10},
	choice{"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 10},
	choice{"curl/8.5.0", 5},
	choice{`Mozilla/5.0 \"quoted\" agent`, 5},
	choice{"-", 5},
)
