pipeline {
    agent any
    environment {
        FOO = 'a'
        FOO = 'b'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
