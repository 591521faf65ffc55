module.exports = require("./mochaShards").shard("b");
