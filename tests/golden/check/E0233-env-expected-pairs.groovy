pipeline {
    agent any
    environment {
        FOO = 'a'
        'b'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
