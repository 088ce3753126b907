/** An error the emulator returns on the wire: `name` is the AWS error code the SDK surfaces as `error.name`. */
export class ServiceError extends Error {
  constructor(name: string, message: string, readonly httpStatus: number = 400) {
    super(message);
    this.name = name;
  }
}

export function invalidInput(message: string): ServiceError {
  return new ServiceError('InvalidInputException', message);
}
