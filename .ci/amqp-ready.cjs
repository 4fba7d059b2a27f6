// Exits 0 when RabbitMQ completes an AMQP handshake within the time given (ms), 1 otherwise.
// Used instead of rabbitmqctl, whose wrapper can hang on a wedged node.
const amqp = require('amqplib');
const timeoutMs = Number(process.argv[2] || 10000);
const timer = setTimeout(() => process.exit(1), timeoutMs);
amqp
  .connect('amqp://guest:guest@127.0.0.1:5672', { timeout: timeoutMs })
  .then((connection) => connection.close())
  .then(() => {
    clearTimeout(timer);
    process.exit(0);
  })
  .catch(() => process.exit(1));
